using System.CommandLine;
using LoraLab.Cli;
using LoraLab.Cli.Commands;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SweepCliTests
{
    static (int Code, string Err) Invoke(params string[] args)
    {
        var root = new RootCommand("test");
        root.Options.Add(CommandRunner.Verbose);
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        var err = new StringWriter();
        var code = CommandRunner.Invoke(root, args, new StringWriter(), err);
        return (code, err.ToString());
    }

    [Theory]
    [InlineData("sweep", "run", "/nonexistent/spec.json", "--out", "/tmp/x")]
    [InlineData("sweep", "status", "/nonexistent/dir")]
    [InlineData("sweep", "merge", "/nonexistent/dir")]
    [InlineData("compare", "/nonexistent/dir", "--baseline", "init=a", "--candidate", "init=b")]
    [InlineData("sweep", "run", "/nonexistent/spec.json", "--out", "/tmp/x", "--shard", "5/2")]
    public void Command_BadInput_OneLineErrorUsageCode(params string[] args)
    {
        var (code, err) = Invoke(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", err);
    }

    [Fact]
    public void Run_UnknownKind_OneLine()
    {
        var spec = Path.Combine(Path.GetTempPath(), $"loralab-spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, """{"name": "x", "kind": "nope", "grid": {"lr": [1]}}""");
        try
        {
            var (code, err) = Invoke("sweep", "run", spec, "--out", Path.GetTempPath());
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("unknown sweep kind 'nope'", err);
            Assert.Single(err.TrimEnd().Split('\n'));
        }
        finally { File.Delete(spec); }
    }
}
