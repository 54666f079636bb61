namespace LoraLab.Tests.Support;

/// <summary>Finds the repository (the folder holding LoraLab.slnx) from the test output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository's data/ folder.</summary>
    public static string Data(string relative) => Path.Combine(Root, "data", relative);

    /// <summary>A committed fixture, copied next to the test assembly.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LoraLab.slnx"))) return dir.FullName;
        throw new InvalidOperationException("LoraLab.slnx not found above " + AppContext.BaseDirectory);
    }
}
