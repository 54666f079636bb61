namespace LoraLab.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class ReproduceCommandTests
{
    [Fact]
    public void Reproduce_TinyProtocolViaSet_PrintsTableWritesSummaryAndReportsProgress()
    {
        var dir = CliTester.TempDir();
        var r = CliTester.Run("reproduce", "--quick", "--out", dir, "--seed", "3",
            "--set", "widths=[16,32,64]", "--set", "steps=20", "--set", "train_points=40", "--set", "test_points=10",
            "--set", "rank=2", "--set", "teacher_rank=2", "--set", "bootstrap_resamples=100");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("== layer readout ==", r.Output);
        Assert.Contains("slope of eta*", r.Output);
        Assert.Contains("reproduce:", r.Error);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        Assert.Contains("\"seed\": 3", File.ReadAllText(Path.Combine(dir, "protocol.json")));
    }

    [Fact]
    public void Reproduce_UnknownSetKey_ExitsWithUsageError()
    {
        var r = CliTester.Run("reproduce", "--set", "stepz=3");
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("stepz", r.Error);
    }
}
