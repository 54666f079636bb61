using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Experiments.Sweeps;
using LoraLab.Experiments.Tune;

namespace LoraLab.Tests.Experiments.Tune;

/// <summary>tune on a run kind with known optima: the ladder, the choice, the outputs, a kill and its rerun, and
/// the bad-input rules.</summary>
public sealed class TuneTests
{
    static TuneSpec Spec(string axes = "", string tune = "") => TuneSpec.Parse(ConfigLoader.ParseObject($$"""
        { "name": "fake", "kind": "tune-fake",
          "base": { "lora": { "init": "a" }, "optim": { "lr": 1e-2 }, "steps": 90, "seed": 0 },
          {{(axes.Length > 0 ? $"\"axes\": {{ {axes} }}," : "")}}
          "tune": { "lr_find": { "steps": 50 }, "report_metric": "report" {{tune}} } }
        """, "spec"), "spec");

    [Fact]
    public void Run_KnownOptima_RecommendsInitAAtItsOptimumAndWritesTheOutputs()
    {
        using var dir = new TempDirectory();
        var kind = new TuneFakeRunKind();

        var result = TuneDriver.Run(Spec(), dir.Path, RunKinds.Default.With(kind), new TuneBudgetOption(),
                                    new SweepRunOptions(), TextWriter.Null);

        var trace = File.ReadAllText(dir.File(TuneOutputs.TrialsFile));
        Assert.True(result.Recommended.Init == "a" && result.Recommended.Lr == 3e-3, trace);   // η*_a
        Assert.Equal(1e-2, result.Baseline.Lr);                                  // the config's own LR, init a
        // lower score: 3e-3 beats 1e-2 on every seed
        Assert.Equal("better", result.Comparison!.Verdict);
        Assert.Equal(3, result.Recommended.BySeed.Count);
        Assert.Equal([10, 30, 90], result.Plan.Rungs.Select(r => r.Steps));
        Assert.True(result.StepsUsed < result.FullGridSteps, $"{result.StepsUsed} of {result.FullGridSteps}");
        var recommended = ConfigLoader.ParseObject(File.ReadAllText(dir.File(TuneOutputs.RecommendedFile)),
                                                   "recommended");
        Assert.Equal(3e-3, recommended["optim"]!["lr"]!.GetValue<double>());
        Assert.Equal("a", recommended["lora"]!["init"]!.GetValue<string>());
        Assert.Null(recommended["monitors"]);                                    // pruning is tune's, not the config's
        var csv = File.ReadAllLines(dir.File(TuneOutputs.TrialsFile));
        Assert.StartsWith("stage,rung,id,init,lr,steps,seed,status,score,report,", csv[0]);
        Assert.Equal(result.Trials.Count + 1, csv.Length);
        Assert.True(File.Exists(dir.File(TuneReport.HtmlFile)));
        Assert.True(File.Exists(dir.File(TuneResult.FileName)));
    }

    [Fact]
    public void Run_InitBWindow_IsOneHalfDecadeBelowTheSameWindowForA()
    {
        using var dir = new TempDirectory();
        var result = TuneDriver.Run(Spec(), dir.Path, RunKinds.Default.With(new TuneFakeRunKind()),
            new TuneBudgetOption(), new SweepRunOptions(), TextWriter.Null);

        var curveB = result.LrFind.Curve("b");
        var (valley, minimum) = (curveB.Suggestion(LrSuggestions.Valley)!.Lr,
                                 curveB.Suggestion(LrSuggestions.MinimumOverTen)!.AtLr);
        var lrsB = result.Trials.Where(t => t.Rung == 0 && t.Init == "b").Select(t => t.Lr).ToList();
        var lrsA = result.Trials.Where(t => t.Rung == 0 && t.Init == "a").Select(t => t.Lr).ToList();
        Assert.Equal(LrLattice.Window(valley, minimum, 4, zeroA: true), lrsB.Take(4));
        Assert.Equal(LrLattice.Window(valley, minimum, 4, zeroA: false),
                     lrsB.Take(4).Select(lr => LrLattice.Value(LrLattice.Snap(lr) + 1)));
        Assert.Contains(1e-3, lrsB);                                             // η*_b tried
        Assert.Contains(3e-3, lrsA);                                             // η*_a tried
    }

    [Fact]
    public void KilledMidTune_RerunFinishesWithTheSameRecommendationAndFiles()
    {
        using var dir = new TempDirectory();
        var fresh = Path.Combine(dir.Path, "fresh");
        var killed = Path.Combine(dir.Path, "killed");
        var once = new TuneFakeRunKind();
        TuneDriver.Run(Spec(), fresh, RunKinds.Default.With(once), new TuneBudgetOption(), new SweepRunOptions(),
                       TextWriter.Null);

        foreach (var killAfter in new[] { 1, 5, 6 })                              // in lr-find, in rung 1, in rung 2
        {
            using var cts = new CancellationTokenSource();
            var kinds = RunKinds.Default.With(new TuneFakeRunKind { KillSwitch = (killAfter, cts) });
            var log = new StringWriter();
            var thrown = Record.Exception(() =>
                TuneDriver.Run(Spec(), killed, kinds, new TuneBudgetOption(), new SweepRunOptions(), log, cts.Token));
            Assert.True(thrown is OperationCanceledException, $"kill after {killAfter}: {thrown}\n{log}");
            Assert.False(File.Exists(Path.Combine(killed, TuneOutputs.RecommendedFile)));
        }
        var second = new TuneFakeRunKind();
        TuneDriver.Run(Spec(), killed, RunKinds.Default.With(second), new TuneBudgetOption(), new SweepRunOptions(),
                       TextWriter.Null);

        foreach (var file in new[] { TuneOutputs.RecommendedFile, TuneOutputs.TrialsFile, TuneResult.FileName })
            Assert.Equal(File.ReadAllText(Path.Combine(fresh, file)), File.ReadAllText(Path.Combine(killed, file)));
        Assert.True(second.Executions < once.Executions, $"{second.Executions} rerun vs {once.Executions}");
    }

    [Fact]
    public void Axes_LoraplusRatio_MultiplyTheArmsAndTheChoiceFollowsTheOptimum()
    {
        using var dir = new TempDirectory();
        var result = TuneDriver.Run(Spec(axes: "\"optim.loraplus_ratio\": [1, 4]"), dir.Path,
                                    RunKinds.Default.With(new TuneFakeRunKind()),
            new TuneBudgetOption(), new SweepRunOptions(), TextWriter.Null);

        Assert.Equal(4, result.Plan.Arms);
        Assert.Contains(result.Trials, t => t.Axes["optim.loraplus_ratio"] == "4");
        var r = result.Recommended;
        var opt = TuneFakeRunKind.Optimum(r.Init, double.Parse(r.Axes["optim.loraplus_ratio"]));
        Assert.InRange(Math.Abs(Math.Log10(r.Lr / opt)), 0, 0.5);               // within a half-decade of its arm's η*
    }

    [Fact]
    public void BadInput_OneLineUsageErrorsAndNothingWritten()
    {
        using var dir = new TempDirectory();
        var kinds = RunKinds.Default.With(new TuneFakeRunKind());
        var outDir = Path.Combine(dir.Path, "out");

        var oneValue = Assert.Throws<LoraLabException>(() => Spec(axes: "\"optim.loraplus_ratio\": [4]"));
        var chosen = Assert.Throws<LoraLabException>(() => Spec(axes: "\"optim.lr\": [1e-3, 1e-2]"));
        var small = Assert.Throws<LoraLabException>(() =>
            TuneDriver.Run(Spec(), outDir, kinds, new TuneBudgetOption(Steps: 300), new SweepRunOptions(),
                           TextWriter.Null));
        var both = Assert.Throws<LoraLabException>(() =>
            TuneDriver.Run(Spec(), outDir, kinds, new TuneBudgetOption(Steps: 3000, Minutes: 5), new SweepRunOptions(),
                           TextWriter.Null));
        var unknown = Assert.Throws<LoraLabException>(() => Spec(tune: ", \"etaa\": 2"));

        Assert.All(new[] { oneValue, chosen, small, both, unknown }, e => Assert.Equal(ExitCodes.Usage, e.ExitCode));
        Assert.Contains("two or more values", oneValue.Message);
        Assert.Contains("chosen by tune", chosen.Message);
        Assert.Contains("too small for one rung", small.Message);
        Assert.Contains("etaa", unknown.Message);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Budget_LargestPlanThatFits()
    {
        var s = new TuneSettings();

        Assert.Equal([22, 67, 200], TuneBudget.RungSteps(200, s));
        Assert.Equal([30, 90], TuneBudget.RungSteps(90, s with { MinRungSteps = 11 }));   // 10 < 11: one rung fewer
        var plan = TuneBudget.For(200, arms: 2, inits: 2, lrs: 4, s, null, "default");
        // 2 × (4 + 2 edge), ⌈12/3⌉ + 1, ⌈5/3⌉ + 1
        Assert.Equal([12, 5, 3], plan.Rungs.Select(r => r.Trials));
        Assert.Equal(2 * 100 + (12 * 22 + 5 * 67 + 3 * 200) + 2 * 2 * 200 + 3 * 200, plan.Total);
        Assert.Equal(2 * 4 * 3 * 200, plan.FullGridSteps);
        var chosen = TuneBudget.Choose(200, 2, 2, s, budget: plan.Total, "steps");
        Assert.Equal(4, chosen.LrsPerArm);
        Assert.Equal(2, TuneBudget.Choose(200, 2, 2, s, budget: TuneBudget.For(200, 2, 2, 2, s, null, "").Total,
                                          "steps").LrsPerArm);
    }

    [Fact]
    public void Lattice_HalfDecadesLikeTheGrids()
    {
        Assert.Equal([1e-3, 3e-3, 1e-2], new[] { -6, -5, -4 }.Select(LrLattice.Value));
        Assert.Equal(-5, LrLattice.Snap(2.3e-3));
        // centred on the valley
        Assert.Equal([3e-4, 1e-3, 3e-3, 1e-2], LrLattice.Window(2.3e-3, null, 4, zeroA: false));
        Assert.Equal([1e-4, 3e-4, 1e-3, 3e-3], LrLattice.Window(2.3e-3, null, 4, zeroA: true));
        // tinyshakespeare's Init[A] ramp: valley 7.6e-4 (1e-3), minimum at 5.5e-2 (3e-2): centre between them
        Assert.Equal([1e-3, 3e-3, 1e-2], LrLattice.Window(7.6e-4, 5.5e-2, 3, zeroA: false));
        Assert.Equal([3e-4, 1e-3, 3e-3], LrLattice.Window(7.6e-4, 5.5e-2, 3, zeroA: true));
        Assert.True(LrLattice.ZeroA("b") && LrLattice.ZeroA("gaussian-b") && !LrLattice.ZeroA("a")
                    && !LrLattice.ZeroA("pissa"));
    }

    /// <summary>tune plan's loop as Slurm runs it: plan a wave, run its ids with sweep run-one (the array tasks),
    /// plan again, until the outputs are written; the same recommendation as a tune run on one node.</summary>
    [Fact]
    public void PlanOnly_WavesRunBySweepRunOne_EndWithTheSameOutputsAsOneRun()
    {
        using var dir = new TempDirectory();
        var kinds = RunKinds.Default.With(new TuneFakeRunKind());
        var direct = Path.Combine(dir.Path, "direct");
        var waves = Path.Combine(dir.Path, "waves");
        TuneDriver.Run(Spec(), direct, kinds, new TuneBudgetOption(), new SweepRunOptions(), TextWriter.Null);

        var pending = new List<string>();
        for (var wave = 0; ; wave++)
        {
            Assert.True(wave < 20, "too many waves");
            try
            {
                TuneDriver.Run(Spec(), waves, kinds, new TuneBudgetOption(), new SweepRunOptions(), TextWriter.Null,
                               planOnly: true);
                break;
            }
            catch (TuneWavePending next)
            {
                pending.Add(next.What);
                TuneSlurm.Write(waves, "fake", next, new ChildCommand("/opt/loralab", []), 1, ["tune", "plan"], []);
                Assert.Contains($"--array=0-{next.Ids.Count - 1}",
                                File.ReadAllText(Path.Combine(waves, "wave.sbatch")));
                // one array task each
                foreach (var id in next.Ids) SweepRunner.RunOne(next.Directory, [id], kinds, 1);
            }
        }

        Assert.StartsWith("lr-find", pending[0]);
        Assert.Contains(pending, p => p.StartsWith("rung 2/3"));
        Assert.StartsWith("seeds", pending[^1]);
        foreach (var file in new[] { TuneOutputs.RecommendedFile, TuneOutputs.TrialsFile, TuneResult.FileName })
            Assert.Equal(File.ReadAllText(Path.Combine(direct, file)), File.ReadAllText(Path.Combine(waves, file)));
        Assert.Contains("sweep run-one", File.ReadAllText(Path.Combine(waves, "wave.sbatch")));
        Assert.Contains("--dependency=afterany", File.ReadAllText(Path.Combine(waves, "submit.sh")));
    }
}
