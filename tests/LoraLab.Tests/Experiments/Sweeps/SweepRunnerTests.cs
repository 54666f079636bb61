using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SweepRunnerTests
{
    [Fact]
    public void Run_Fresh_WritesOneResultPerRunAndNoTempFiles()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        var summary = f.Run(plan);
        Assert.Equal((18, 0, 18, 0), (summary.InShard, summary.Skipped, summary.Executed, summary.Failed));
        Assert.Equal(18, Directory.GetFiles(f.Store.RunsDirectory, "result.json", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(f.Directory, "*.tmp", SearchOption.AllDirectories));
        var result = f.Store.Read(plan.Runs[0]).Result!;
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal(plan.Runs[0].Config.ToJsonString(), result.Config.ToJsonString());
        Assert.True(result.Environment.Threads >= 1);
        Assert.NotEmpty(result.Curves["loss"]);
    }

    [Fact]
    public void Run_Again_SkipsEverythingFinished()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        f.Run(plan);
        var again = f.Run(plan);
        Assert.Equal((18, 0), (again.Skipped, again.Executed));
        Assert.Equal(18, f.Kind.Executions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"id\": \"init-a")]
    [InlineData("not json")]
    [InlineData("{\"id\": \"someone-else\", \"status\": \"ok\"}")]
    public void Run_CorruptResult_ReportedAndRedone(string content)
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        f.Run(plan);
        File.WriteAllText(f.Store.ResultPath(plan.Runs[4].Id), content);
        var read = f.Store.Read(plan.Runs[4]);
        Assert.NotNull(read.Corruption);
        Assert.Contains("corrupt", SweepStatus.Of(f.Store).Format());
        var again = f.Run(plan);
        Assert.Equal(1, again.Executed);
        Assert.True(f.Store.Read(plan.Runs[4]).Finished);
    }

    [Fact]
    public void Run_StaleTempFromKilledWrite_Removed()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        var dir = f.Store.RunDirectory(plan.Runs[0].Id);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ".result.json.abc.tmp"), "{\"id\":");
        f.Run(plan);
        Assert.Empty(Directory.GetFiles(f.Directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Run_ThrowingRun_RecordedFailedSweepContinuesExit1_ThenRedone()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec("""{"fail": [false, true], "seed": [0, 1]}"""));
        var summary = f.Run(plan);
        Assert.Equal((4, 2), (summary.Executed, summary.Failed));
        Assert.Equal(ExitCodes.RunFailed, summary.ExitCode);
        var failed = f.Store.Read(plan.Runs[2]).Result!;
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("synthetic failure", failed.Error);
        Assert.Equal(1, SweepStatus.Of(f.Store).ExitCode);
        Assert.Equal(2, f.Run(plan).Executed);
    }

    [Fact]
    public void Run_DivergedRun_IsAResultNotRedone()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec("""{"lr": [0.1, 10]}"""));
        var summary = f.Run(plan);
        Assert.Equal((1, 0), (summary.Diverged, summary.Failed));
        Assert.Equal(0, f.Run(plan).Executed);
    }

    [Fact]
    public void Run_DifferentSweepInSameFolder_Refused()
    {
        using var f = new SweepFixture();
        f.Run(f.Plan());
        var ex = Assert.Throws<LoraLabException>(() => f.Run(f.Plan(SweepFixture.Spec("""{"lr": [0.5]}"""))));
        Assert.Contains("different sweep", ex.Message);
    }

    [Fact]
    public void Status_SlurmPlanWithMissingRuns_PrintsResubmitLineForTheirShardsOnly()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        SlurmPlanner.Write(SweepFixture.Spec(), plan, f.Store, 4, 1, 1, new ChildCommand("/opt/loralab", []), []);
        foreach (var k in new[] { 0, 2 }) f.Run(plan, new ShardSpec(k, 4));
        var status = SweepStatus.Of(f.Store);
        Assert.Equal([1, 3], status.ShardsToResubmit);
        Assert.Contains($"sbatch --array=1,3 {Path.Combine(f.Store.Directory, "sweep.sbatch")}", status.Format());
        Assert.Equal(ExitCodes.Incomplete, status.ExitCode);
    }
}
