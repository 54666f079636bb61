using System.CommandLine;

namespace LoraLab.Tests.Support;

/// <summary>Runs the real <c>loralab</c> command tree in-process, capturing stdout and stderr.</summary>
public static class CliTester
{
    public sealed record CliResult(int ExitCode, string Output, string Error);

    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = LoraLab.Cli.CommandRunner.Invoke(LoraLab.Cli.CliRoot.Build(), args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "loralab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
