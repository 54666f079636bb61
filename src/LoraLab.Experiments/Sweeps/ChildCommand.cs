using System.Diagnostics;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// How to start this tool again as a child (<c>loralab sweep run-one ...</c>): the executable plus leading
/// arguments. From the apphost it is the executable itself; under <c>dotnet loralab.dll</c> it is dotnet + the dll.
/// </summary>
public sealed record ChildCommand(string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The command that started this process (only meaningful when the entry assembly is the CLI).</summary>
    public static ChildCommand Current()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? "";
        var isDotnetHost = Path.GetFileNameWithoutExtension(process).Equals(
            "dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnetHost ? new ChildCommand(process, [entry]) : new ChildCommand(process, []);
    }

    /// <summary>The shell words that run the tool (for generated Slurm scripts).</summary>
    public IEnumerable<string> Words => LeadingArguments.Prepend(FileName);

    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(FileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in LeadingArguments.Concat(arguments)) info.ArgumentList.Add(a);
        return info;
    }
}
