namespace LoraLab.Tests.Support;

/// <summary>Locates the repository (the folder holding LoraLab.slnx) from the test binaries, to reach data/.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path under data/, e.g. <c>Data("tiny-gpt2-random-fixture/model.safetensors")</c>.</summary>
    public static string Data(string rel) => Path.Combine(Root, "data", rel);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LoraLab.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no LoraLab.slnx above {AppContext.BaseDirectory}");
    }
}
