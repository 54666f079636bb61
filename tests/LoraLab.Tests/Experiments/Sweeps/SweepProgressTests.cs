using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SweepProgressTests
{
    static RunResult Ok(double wallSeconds, int packSize = 1) =>
        new() { Status = RunStatus.Ok, Timing = new RunTiming { WallSeconds = wallSeconds, PackSize = packSize } };

    static readonly PlannedRun Run = SweepPlanner.Plan(
        SweepFixture.Spec(), RunKinds.Default.With(new SyntheticRunKind())).Runs[0];

    [Fact]
    public void Eta_MeanRunTime_TimesRunsLeft_OverJobs()
    {
        var log = new StringWriter();
        var progress = new SweepProgress(log, total: 10, alreadyDone: 0, jobs: 2);
        progress.Started(Run);
        progress.Started(Run);
        progress.Finished(Run, Ok(100));
        progress.Finished(Run, Ok(140));
        // 8 runs left at 120 s each, two at a time: 480 s.
        Assert.Contains("2/10 done, 0 running", log.ToString());
        Assert.EndsWith("ETA 8:00 | ok " + Run.Id + " (140.0 s)", log.ToString().TrimEnd());
    }

    [Fact]
    public void Eta_PackedRuns_ShareTheirPassTime()
    {
        var log = new StringWriter();
        var progress = new SweepProgress(log, total: 12, alreadyDone: 0, jobs: 1);
        for (var i = 0; i < 4; i++) progress.Started(Run);
        for (var i = 0; i < 4; i++) progress.Finished(Run, Ok(40, packSize: 4));   // one pass of 4 runs: 10 s per run
        Assert.Contains("4/12 done, 0 running, 0 failed, 0 diverged | ETA 1:20 |", log.ToString());
    }
}
