using System.Diagnostics;
using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>configs/sweeps/smoke.json with the real toy kind, in this process (one thread).</summary>
[Collection(TorchCollection.Name)]
public class SmokeSweepTests
{
    static string Smoke => Path.Combine(RepoPaths.Root, "configs", "sweeps", "smoke.json");

    [Fact]
    public void Smoke_ShardsInAnyOrder_SameSummaryAsOneGo_AndCompareGivesThePinnedVerdict()
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
        var g = Assert.Single(report.Groups);
        // Pinned from `loralab compare runs/smoke --baseline init=a --candidate init=b --metric final_train_loss`:
        // both best at lr 0.03; Init[B] diverges twice and ends ~0.0024 worse on 3 seeds, but the paired
        // t-interval [-0.0025, 0.0072] holds 0 and 3 pairs cannot reach p < 0.25: no verdict either way. (Re-pinned
        // when the toy's init seeds became a hash of the init's name, issue 13: other factor draws, same verdict.)
        Assert.Equal((0.03, 0.03), (g.Baseline.BestLr, g.Candidate.BestLr));
        Assert.Equal((0, 2), (g.Baseline.Diverged, g.Candidate.Diverged));
        Assert.Equal(3, g.PairedDifference!.N);
        Assert.InRange(g.PairedDifference.Estimate, 0.0021, 0.0026);
        Assert.True(g.PairedDifferenceT!.Low < 0 && g.PairedDifferenceT.High > 0, "t-interval holds 0");
        Assert.Equal(0.25, g.SignTestP);
        Assert.Equal("no-significant-difference", g.Verdict);
    }

    static bool Close(double actual, double expected, double relative) =>
        double.IsNaN(expected)
            ? double.IsNaN(actual)
            : Math.Abs(actual - expected) <= relative * Math.Abs(expected) + 1e-9;

    [Fact]
    public void Smoke_PackedRuns_SameResultsAsSeparateRuns_AndRecordThePack()
    {
        using var separate = new SweepFixture();
        using var packed = new SweepFixture();
        var plan = SweepPlanner.Plan(SweepSpec.Load(Smoke), RunKinds.Default);
        SweepRunner.Run(plan, separate.Store, RunKinds.Default, new SweepRunOptions { Threads = 1 }, TextWriter.Null);
        // 2 inits × 3 LRs share each seed's problem: pack 4 gives passes of 4 and 2 runs per seed.
        SweepRunner.Run(plan, packed.Store, RunKinds.Default, new SweepRunOptions { Threads = 1, Pack = 4 },
            TextWriter.Null);

        var one = separate.Store.ReadAll(plan).Select(r => r.Result!).ToDictionary(r => r.Id);
        var many = packed.Store.ReadAll(plan).Select(r => r.Result!).ToList();
        Assert.Equal(plan.Runs.Count, many.Count);
        Assert.Equal(new[] { 2, 4 }, many.Select(r => r.Timing.PackSize).Distinct().Order());
        // A pass multiplies K·r rows against the shared H where a single run multiplies r, so MKL picks other kernel
        // blockings and rounds differently (~1e-7). Stable runs stay within 1e-5 to the end; runs at the edge of
        // stability (lr 0.1 here) amplify that to ~3e-4 after step ~40 (measured with the AVX-512 kernels). Hence: the
        // first 40 % of every loss curve to 1e-5 (a mixed-up LR, init or problem differs from the first steps) and
        // the final metrics to 1e-3.
        foreach (var r in many)
        {
            Assert.Equal(one[r.Id].Status, r.Status);
            double[] expected = one[r.Id].Curves["loss"], actual = r.Curves["loss"];
            Assert.Equal(expected.Length, actual.Length);
            for (var step = 0; step < expected.Length * 2 / 5; step++)
                Assert.True(Close(actual[step], expected[step], 1e-5),
                    $"{r.Id} loss at step {step}: packed {actual[step]} vs separate {expected[step]}");
            foreach (var (metric, value) in one[r.Id].Metrics)
                Assert.True(Close(r.Metrics[metric], value, 1e-3),
                    $"{r.Id} {metric}: packed {r.Metrics[metric]} vs separate {value}");
        }
    }

    [Fact]
    public void Pack_OnAKindThatCannotPack_IsAUsageErrorBeforeAnyRun()
    {
        using var f = new SweepFixture();
        var ex = Assert.Throws<LoraLabException>(() =>
            SweepRunner.Run(f.Plan(), f.Store, f.Kinds, new SweepRunOptions { Pack = 2 }, TextWriter.Null));
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains("'synthetic' cannot be packed", ex.Message);
        Assert.False(Directory.Exists(f.Directory), "nothing may be written before the options are checked");
    }

    /// <summary>scripts/kill-test.sh: three kill -9 at random moments, then finish; needs the Release CLI
    /// build.</summary>
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
