using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

public sealed class SearchTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), $"loralab-search-{Guid.NewGuid():N}");

    static readonly SearchSpec Lattice = new() { Start = 1e-2, Min = 1e-6, Max = 10,
                                                Strategies = [SearchStrategy.Edge, SearchStrategy.Optimum] };

    const string DefaultSearch =
        """{"key": "lr", "strategies": ["edge", "optimum"], "start": 0.01, "min": 1e-6, "max": 10}""";

    static SweepSpec Spec(string widths = "[128, 256, 512, 1024, 2048, 4096, 8192]",
        string seeds = "[0,1,2,3,4,5,6,7,8,9]", string search = DefaultSearch) =>
        SweepSpec.Parse(ConfigLoader.ParseObject(
            $$"""
            {"name": "power-law", "kind": "power-law", "grid": {"width": {{widths}}, "seed": {{seeds}}},
             "search": {{search}}}
            """,
            "spec"), "spec");

    [Theory]
    [InlineData(0.0123)]
    [InlineData(3.7e-5)]
    [InlineData(2.5)]
    public void EdgeSearch_MonotoneStability_BracketsTheEdgeWithinOneLatticeStep(double edge)
    {
        var known = new Dictionary<int, Probe>();
        int probes = 0;
        SearchStep<EdgeResult> step;
        while (!(step = EdgeSearch.Next(Lattice, j => known.GetValueOrDefault(j))).Done)
            foreach (var j in step.Need)
            {
                probes++;
                known[j] = Lattice.Value(j) <= edge ? new Probe(true, 1) : Probe.Unstable;
            }
        var r = step.Result!;
        Assert.True(r.Bracketed);
        Assert.True(r.Stable <= edge && edge < r.Unstable, $"{r.Stable} <= {edge} < {r.Unstable}");
        Assert.Equal(Lattice.Resolution, r.Resolution!.Value, 12);
        Assert.Equal(1, r.UnstableIndex - r.StableIndex);
        Assert.True(probes <= 5 + Math.Abs(Math.Log(edge / 1e-2) / Math.Log(2)), $"{probes} probes");
    }

    [Fact]
    public void OptimumSearch_ExactQuadraticInLogLr_FindsTheVertex()
    {
        const double optimum = 3.3e-4;
        var known = new Dictionary<int, Probe>();
        SearchStep<OptimumResult> step;
        while (!(step = OptimumSearch.Next(Lattice, j => known.GetValueOrDefault(j))).Done)
            foreach (var j in step.Need)
            {
                var x = Math.Log(Lattice.Value(j) / optimum);
                known[j] = new Probe(true, Math.Exp(0.5 * x * x + 1));
            }
        Assert.Null(step.Result!.Flag);
        Assert.Equal(5, step.Result.FitPoints);
        Assert.Equal(optimum, step.Result.Optimum, 1e-12);
    }

    [Fact]
    public void OptimumSearch_LossFallsUpToTheEdge_FlagsItInsteadOfHidingIt()
    {
        const double edge = 2e-3;
        var known = new Dictionary<int, Probe>();
        SearchStep<OptimumResult> step;
        while (!(step = OptimumSearch.Next(Lattice, j => known.GetValueOrDefault(j))).Done)
            foreach (var j in step.Need)
                known[j] = Lattice.Value(j) <= edge ? new Probe(true, 1 / Lattice.Value(j)) : Probe.Unstable;
        Assert.StartsWith("at the stability edge", step.Result!.Flag);
        Assert.True(step.Result.Optimum <= edge);
    }

    [Fact]
    public void QuadraticFit_RecoversCoefficients()
    {
        var points = new[] { -2.0, -1, 0.5, 1, 3 }.Select(x => (x, 0.7 * x * x - 1.3 * x + 4.2)).ToList();
        var (a, b, c) = QuadraticFit.Fit(points)!.Value;
        Assert.Equal(0.7, a, 10);
        Assert.Equal(-1.3, b, 10);
        Assert.Equal(4.2, c, 10);
    }

    [Fact]
    public void EndToEnd_KnownPowerLaws_RecoveredWithinTheirIntervals()
    {
        var kind = new PowerLawRunKind();
        var kinds = RunKinds.Default.With(kind);
        var plan = SweepPlanner.Plan(Spec(), kinds);
        var summary = SweepRunner.Run(plan, new ResultStore(_dir), kinds, new SweepRunOptions { Jobs = 2, Threads = 1 },
                                      TextWriter.Null);
        Assert.Equal(0, summary.Failed);
        var results = SearchResults.Load(_dir);
        Assert.Equal(70, results.Cells.Count);
        Assert.All(results.Cells, c => Assert.Null(c.Failure));
        Assert.All(results.Cells, c => Assert.Null(c.Optimum!.Flag));
        foreach (var c in results.Cells)
        {
            var (w, s) = ((int)SearchAnalysis.Number(c.Point, "width"), (long)SearchAnalysis.Number(c.Point, "seed"));
            Assert.True(c.Edge!.Stable <= PowerLawRunKind.Edge(w, s) && PowerLawRunKind.Edge(w, s) < c.Edge.Unstable);
            Assert.Equal(PowerLawRunKind.Optimum(w, s), c.Optimum!.Optimum, 1e-9);
        }
        var edge = SearchAnalysis.Slopes(results, "width", "seed", c => c.Edge?.Edge).Single().Value!;
        var eta = SearchAnalysis.Slopes(results, "width", "seed", c => c.Optimum?.Optimum).Single().Value!;
        Assert.Equal(10, edge.Seeds);
        Assert.True(edge.Contains(PowerLawRunKind.EdgeExponent), $"{edge.Slope} [{edge.Low}, {edge.High}]");
        Assert.True(edge.High - edge.Low < 0.05, $"edge interval {edge.Low}..{edge.High} too wide");
        Assert.True(eta.Contains(PowerLawRunKind.OptimumExponent), $"{eta.Slope} [{eta.Low}, {eta.High}]");
        Assert.False(eta.Contains(-0.5) || eta.Contains(-1.0));
        Assert.True(edge.Low < edge.Slope && edge.Slope < edge.High);
    }

    [Fact]
    public void KilledMidSearch_RerunResumesAndGivesTheSameBytes()
    {
        var fresh = Path.Combine(_dir, "fresh");
        var killed = Path.Combine(_dir, "killed");
        var spec = Spec(widths: "[128, 1024, 8192]", seeds: "[0, 1, 2]");
        var once = new PowerLawRunKind();
        SweepRunner.Run(SweepPlanner.Plan(spec, RunKinds.Default.With(once)), new ResultStore(fresh),
            RunKinds.Default.With(once), new SweepRunOptions(), TextWriter.Null);

        using var cts = new CancellationTokenSource();
        var first = new PowerLawRunKind { KillSwitch = (40, cts) };
        var kinds = RunKinds.Default.With(first);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SweepRunner.Run(SweepPlanner.Plan(spec, kinds), new ResultStore(killed), kinds, new SweepRunOptions(),
                            TextWriter.Null, cts.Token));
        Assert.False(File.Exists(Path.Combine(killed, SearchResults.FileName)));
        var second = new PowerLawRunKind();
        kinds = RunKinds.Default.With(second);
        SweepRunner.Run(SweepPlanner.Plan(spec, kinds), new ResultStore(killed), kinds, new SweepRunOptions(),
                        TextWriter.Null);

        Assert.Equal(once.Executions, 40 + second.Executions);
        Assert.Equal(File.ReadAllText(Path.Combine(fresh, SearchResults.FileName)),
                     File.ReadAllText(Path.Combine(killed, SearchResults.FileName)));
    }

    [Fact]
    public void ProbesFinishedByAnotherProcessMeanwhile_AreReadFromDisk_AndTheSearchEnds()
    {
        // A second process on the same folder finishes every probe while the first one's first wave runs: the runner
        // skips those probes (finished on disk), and the search must read them instead of asking for them forever.
        var other = Path.Combine(_dir, "other");
        var shared = Path.Combine(_dir, "shared");
        var spec = Spec(widths: "[128, 1024, 8192]", seeds: "[0, 1, 2]");
        var once = new PowerLawRunKind();
        SweepRunner.Run(SweepPlanner.Plan(spec, RunKinds.Default.With(once)), new ResultStore(other),
            RunKinds.Default.With(once), new SweepRunOptions(), TextWriter.Null);

        int copied = 0;
        var racing = new PowerLawRunKind();
        racing.OnExecute = () =>
        {
            if (Interlocked.Exchange(ref copied, 1) == 1) return;
            foreach (var run in Directory.GetDirectories(Path.Combine(other, "runs")))
            {
                var target = Path.Combine(shared, "runs", Path.GetFileName(run));
                Directory.CreateDirectory(target);
                File.Copy(Path.Combine(run, "result.json"), Path.Combine(target, "result.json"), overwrite: true);
            }
        };
        var kinds = RunKinds.Default.With(racing);
        SweepRunner.Run(SweepPlanner.Plan(spec, kinds), new ResultStore(shared), kinds, new SweepRunOptions(),
                        TextWriter.Null);

        Assert.True(racing.Executions < once.Executions);
        Assert.Equal(File.ReadAllText(Path.Combine(other, SearchResults.FileName)),
            File.ReadAllText(Path.Combine(shared, SearchResults.FileName)));
    }

    [Fact]
    public void Spec_SearchedKeyAlsoAGridAxis_IsAUsageError()
    {
        var ex = Assert.Throws<LoraLabException>(() => SweepSpec.Parse(ConfigLoader.ParseObject(
            """{"name": "x", "kind": "power-law", "grid": {"lr": [1, 2]}, "search": {"key": "lr"}}""", "spec"),
            "spec"));
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains("'lr' is searched", ex.Message);
    }

    [Fact]
    public void SlurmPlan_OfASearchSpec_WritesADriverThatPlansWavesAndAWaveArray()
    {
        var kinds = RunKinds.Default.With(new PowerLawRunKind());
        var spec = Spec(widths: "[8, 16]", seeds: "[0]");
        var settings = SlurmPlanner.Write(spec, SweepPlanner.Plan(spec, kinds), new ResultStore(_dir), null, 1, 1,
            new ChildCommand("/bin/loralab", []), []);

        var driver = File.ReadAllText(settings.ScriptPath);
        Assert.EndsWith("driver.sbatch", settings.ScriptPath);
        Assert.Equal(2, settings.Shards);                                 // one task per grid point at most
        Assert.Contains("sweep wave", driver);
        Assert.Contains("--tasks 2", driver);
        Assert.Contains("--dependency=afterany:", driver);
        Assert.Contains("sweep merge", driver);
        Assert.Contains("--shard \"$SLURM_ARRAY_TASK_ID/$LORALAB_WAVE_TASKS\"",
                        File.ReadAllText(Path.Combine(_dir, "wave.sbatch")));
        Assert.Contains("driver.sbatch", File.ReadAllText(Path.Combine(_dir, "submit.sh")));
    }

    [Fact]
    public void Waves_RunAsArrayTasks_GiveTheSameSearchAsOneProcess_AndResumeAfterALostTask()
    {
        // Given a search run whole in one process, and the same search as waves: each wave planned from the files
        // (sweep wave), its probes run by N separate shard runs (array tasks), one task of wave 2 lost
        var whole = Path.Combine(_dir, "whole");
        var waves = Path.Combine(_dir, "waves");
        var spec = Spec(widths: "[128, 1024, 8192]", seeds: "[0, 1, 2]");
        var kinds = RunKinds.Default.With(new PowerLawRunKind());
        SweepRunner.Run(SweepPlanner.Plan(spec, kinds), new ResultStore(whole), kinds, new SweepRunOptions(),
                        TextWriter.Null);

        var store = new ResultStore(waves);
        int planned = 0;
        while (true)
        {
            var wave = SearchWaves.Plan(SweepPlanner.Plan(spec, kinds), store, kinds, maxTasks: 4, TextWriter.Null);
            Assert.True(++planned < 100, "the waves do not end");
            if (wave.Tasks == 0) break;
            Assert.Equal(Math.Min(4, wave.Ids.Count), wave.Tasks);
            for (int k = 0; k < wave.Tasks; k++)
            {
                // a task that never ran
                if (wave.Number == 2 && k == 1 && wave.Stalled == 0 && planned == 2) continue;
                var summary = SweepRunner.Run(SweepPlanner.Plan(spec, kinds), store, kinds,
                    new SweepRunOptions { Shard = new ShardSpec(k, wave.Tasks) }, TextWriter.Null);
                Assert.Equal(0, summary.Failed);
            }
        }

        // Then search.json is byte-identical to the one-process run's
        Assert.Equal(File.ReadAllText(Path.Combine(whole, SearchResults.FileName)),
            File.ReadAllText(Path.Combine(waves, SearchResults.FileName)));
        Assert.Equal(0, SearchWave.TryLoad(waves)!.Tasks);
    }

    [Fact]
    public void WaveShard_WithAnotherTaskCountThanTheWave_IsAUsageError()
    {
        var kinds = RunKinds.Default.With(new PowerLawRunKind());
        var spec = Spec(widths: "[8, 16]", seeds: "[0]");
        var wave = SearchWaves.Plan(SweepPlanner.Plan(spec, kinds), new ResultStore(_dir), kinds, 2, TextWriter.Null);
        var ex = Assert.Throws<LoraLabException>(() => SweepRunner.Run(SweepPlanner.Plan(spec, kinds),
                                                                       new ResultStore(_dir), kinds,
            new SweepRunOptions { Shard = new ShardSpec(0, wave.Tasks + 1) }, TextWriter.Null));
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains("has 2 task(s)", ex.Message);
    }

    [Fact]
    public void CompoundAxis_SetsEveryKeyOfItsNamedValue()
    {
        var spec = SweepSpec.Parse(ConfigLoader.ParseObject("""
            {"name": "c", "kind": "power-law", "grid": {"setting": [{"name": "wide-b", "init": "b", "width": 64},
             {"name": "narrow-a", "init": "a", "width": 8}], "seed": [0]}}
            """, "spec"), "spec");
        var plan = SweepPlanner.Plan(spec, RunKinds.Default.With(new PowerLawRunKind()));
        Assert.Equal(new[] { "wide-b", "narrow-a" }, plan.Runs.Select(r => r.Point["setting"]!.GetValue<string>()));
        Assert.Equal(("b", "64"), (plan.Runs[0].Value("init"), plan.Runs[0].Value("width")));
        Assert.Equal(("a", "8"), (plan.Runs[1].Value("init"), plan.Runs[1].Value("width")));
        Assert.StartsWith("setting-wide-b_s0_", plan.Runs[0].Id);
    }

    [Theory]
    [InlineData("""{"strategies": ["edge"], "resolution": 1.5, "bracket_factor": 2}""", "bracket_factor")]
    [InlineData("""{"strategies": ["sideways"]}""", "strategies")]
    [InlineData("""{"start": 0.01, "max": 0.001}""", "min <= start <= max")]
    [InlineData("""{"metric": "accuracy", "strategies": ["optimum"]}""", "metric 'accuracy'")]
    [InlineData("""{"stepz": 3}""", "stepz")]
    public void Spec_BadSearchBlock_OneLineUsageError(string search, string expected)
    {
        var ex = Assert.Throws<LoraLabException>(
            () => SweepPlanner.Plan(Spec(widths: "[8, 16]", seeds: "[0]", search: search),
            RunKinds.Default.With(new PowerLawRunKind())));
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
