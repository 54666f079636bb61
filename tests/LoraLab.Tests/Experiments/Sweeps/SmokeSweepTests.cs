using System.Diagnostics;
using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>configs/sweeps/smoke.json with the real toy kind, in this process (one thread).</summary>
[Collection(TorchCollection.Name)]
public class SmokeSweepTests
{
    static string Smoke => Path.Combine(RepoPaths.Root, "configs", "sweeps", "smoke.json");

    [Fact]
    public void Smoke_ShardsInAnyOrder_SameSummaryAsOneGo_AndCompareGivesAVerdict()
    {
        using var a = new SweepFixture();
        using var b = new SweepFixture();
        var plan = SweepPlanner.Plan(SweepSpec.Load(Smoke), RunKinds.Default);
        Assert.InRange(plan.Runs.Count, 1, 20);
        var one = new SweepRunOptions { Threads = 1 };
        SweepRunner.Run(plan, a.Store, RunKinds.Default, one, TextWriter.Null);
        foreach (var k in new[] { 2, 0, 1 })
            SweepRunner.Run(plan, b.Store, RunKinds.Default, one with { Shard = new ShardSpec(k, 3) }, TextWriter.Null);
        Assert.Equal(SummaryCsv.Build(plan, a.Store.ReadAll(plan)), SummaryCsv.Build(plan, b.Store.ReadAll(plan)));
        var report = SweepComparison.Run(plan, a.Store.ReadAll(plan), "init=a", "init=b", "final_train_loss");
        Assert.Single(report.Groups);
        Assert.NotNull(report.Groups[0].PairedDifference);
        Assert.Contains(report.Groups[0].Verdict, new[] { "better", "worse", "no-significant-difference" });
    }

    /// <summary>scripts/kill-test.sh: three kill -9 at random moments, then finish; needs the Release CLI build.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task KillTest_Script_Passes()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "kill-test.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        var text = await output + await errors;
        Assert.True(p.ExitCode == 0, text);
        Assert.Contains(", 0 failed", text);
    }
}
