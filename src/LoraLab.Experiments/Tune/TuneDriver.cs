using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;
using LoraLab.Training.Recipes;

namespace LoraLab.Experiments.Tune;

/// <summary>How much tune may spend: training steps, or minutes converted to steps at lr-find's measured speed
/// (once, then kept in DIR/budget.json so a rerun plans the same); neither: the default plan's cost.</summary>
public sealed record TuneBudgetOption(long? Steps = null, double? Minutes = null)
{
    public string Source => Steps is { } s ? $"--budget-steps {s}"
        : Minutes is { } m ? $"--budget-minutes {m.ToString(CultureInfo.InvariantCulture)}"
        : "default";
}

/// <summary>
/// <c>loralab tune</c>: a spec (<see cref="TuneSpec"/>), a strategy (successive halving in waves on the sweep
/// engine) and an analysis (<see cref="SweepComparison"/> of the choice against the baseline). Folder: DIR/lr-find/
/// (a sweep of the ramps), DIR/trials/ (a sweep folder whose plan.json grows wave by wave, as a search's does), and
/// budget.json. Every trial is a normal run with an id from its resolved config, and every choice is a function of
/// the results on disk, so after a kill the rerun replays the finished waves and ends with the same recommendation.
/// </summary>
public static class TuneDriver
{
    public const string SpecFile = "tune-spec.json";

    /// <summary>Everything checkable before a file is written: the spec against its kind, the metric, and a step
    /// budget against the smallest plan (one-line errors).</summary>
    public static void Check(TuneSpec spec, RunKinds kinds, TuneBudgetOption budget) => Prepare(spec, kinds, budget);

    /// <summary><see cref="Check"/>, returning the trial builder and the plan for a step budget (else null).</summary>
    internal static (TuneTrials Trials, MetricInfo Metric, MetricInfo Report, TunePlan? Plan) Prepare(TuneSpec spec,
        RunKinds kinds, TuneBudgetOption budget)
    {
        var kind = kinds.Get(spec.Kind);
        var resolved = SweepPlanner.Resolve(kind, (JsonObject)spec.Base.DeepClone(), $"{spec.Name}: base");
        var trials = new TuneTrials(spec, kind, resolved);
        var arms = trials.Arms();
        foreach (var arm in arms) trials.Run(arm, trials.BaseLr, trials.FullSteps, trials.BaseSeed);   // axes resolve
        var (metric, report) = MetricsOf(spec, kind, resolved);
        if (budget is { Steps: not null, Minutes: not null })
            throw new LoraLabException("tune: give --budget-steps or --budget-minutes, not both", ExitCodes.Usage);
        if (budget.Minutes is <= 0 || budget.Steps is <= 0)
            throw new LoraLabException("tune: the budget must be > 0", ExitCodes.Usage);
        var plan = budget.Minutes is null
            ? TuneBudget.Choose(trials.FullSteps, arms.Count, spec.Settings.LrFind.Inits.Count, spec.Settings,
                budget.Steps, budget.Source)
            : null;
        return (trials, metric, report, plan);
    }

    /// <summary>Runs the whole tune (resumable: finished trials are read back) and returns what <c>loralab tune</c>
    /// prints: the recommendation, the verdict, the compute used and where the recommended config is.</summary>
    public static string RunAndSummarize(TuneSpec spec, string directory, RunKinds kinds, TuneBudgetOption budget,
        SweepRunOptions options, TextWriter log, CancellationToken ct = default)
    {
        var result = Run(spec, directory, kinds, budget, options, log, ct);
        var r = result.Recommended;
        var mean = r.Mean is { } m ? m.Estimate.ToString("G5", CultureInfo.InvariantCulture) : "-";
        return $"recommended: {r.Arm}, optim.lr {r.Lr.ToString("G3", CultureInfo.InvariantCulture)}: " +
               $"{result.ReportMetric} {mean} over {r.BySeed.Count} seeds\n" +
               $"verdict: {result.Verdict}\n" +
               $"compute: {result.StepsUsed} steps, {result.FullGridSteps} for a full grid of the same candidates\n" +
               $"config: {Path.Combine(directory, TuneOutputs.RecommendedFile)}\n";
    }

    /// <summary>Trains nothing (<c>tune plan --slurm</c>): throws <see cref="TuneWavePending"/> at the first wave with
    /// runs to do; with every wave done, writes the outputs and returns the line saying what was
    /// recommended.</summary>
    public static string PlanNextWave(TuneSpec spec, string directory, RunKinds kinds, TuneBudgetOption budget,
        SweepRunOptions options, TextWriter log)
    {
        var result = Run(spec, directory, kinds, budget, options, log, planOnly: true);
        return $"tune finished: {result.Recommended.Arm}, optim.lr " +
               $"{result.Recommended.Lr.ToString("G3", CultureInfo.InvariantCulture)}; " +
               $"{Path.Combine(directory, TuneOutputs.RecommendedFile)}\n";
    }

    /// <param name="planOnly">Train nothing: at the first wave with runs to do, throw <see cref="TuneWavePending"/>
    /// (after writing its plan.json); with every wave done, write the outputs (<c>tune plan --slurm</c>).</param>
    internal static TuneResult Run(TuneSpec spec, string directory, RunKinds kinds, TuneBudgetOption budget,
        SweepRunOptions options, TextWriter log, CancellationToken ct = default, bool planOnly = false)
    {
        var (trials, metric, reportMetric, stepPlan) = Prepare(spec, kinds, budget);
        var kind = kinds.Get(spec.Kind);
        var s = spec.Settings;
        Directory.CreateDirectory(directory);
        ClaimFolder(spec, directory, budget);
        var clock = Stopwatch.StartNew();

        // 1. lr-find, one ramp per init.
        log.WriteLine($"[tune] '{spec.Name}': lr-find ({s.LrFind.Inits.Count} ramps of {s.LrFind.Steps} steps)");
        var lrFindDir = Path.Combine(directory, "lr-find");
        var lrFind = planOnly
            ? LrFind.Replay(spec.Name, spec.Base, s.LrFind, lrFindDir, kinds, spec.Kind)
            : LrFind.Run(spec.Name, spec.Base, s.LrFind, lrFindDir, kinds, options, log, spec.Kind, ct);
        LrFindReport.Write(lrFind, lrFindDir);
        var lrFindStore = new ResultStore(lrFindDir);
        var lrFindRuns = SweepPlan.Load(lrFindDir).Runs.Select(r => lrFindStore.Read(r).Result!).ToList();
        var lrFindSteps = lrFindRuns.Sum(StepsOf);

        // 2. The plan, fixed once per folder.
        var plan = stepPlan ?? PlanForMinutes(spec, trials, budget, lrFindRuns, options, directory);
        log.WriteLine($"[tune] plan: {plan.Describe()}");

        // 3. Candidates per arm, between lr-find's valley and minimum (μA: A = 0 inits one half-decade lower).
        var candidates = trials.Arms().Select(arm =>
        {
            var curve = lrFind.Curve(arm.Init);
            var valley = curve.Suggestion(LrSuggestions.Valley)?.Lr ?? trials.BaseLr;
            var minimum = curve.Suggestion(LrSuggestions.MinimumOverTen)?.AtLr;
            return (Arm: arm, Lrs: LrLattice.Window(valley, minimum, plan.LrsPerArm, LrLattice.ZeroA(arm.Init)));
        }).ToList();
        foreach (var (arm, lrs) in candidates)
            log.WriteLine($"[tune] {arm.Label}: LRs {string.Join(", ", lrs.Select(G3))}");

        var store = new ResultStore(Path.Combine(directory, "trials"));
        var waves = new TuneWaves(spec, kind, store, options, log, clock, plan.Total - lrFindSteps, planOnly, ct);
        var rows = new List<TrialRow>();

        // 4. Successive halving: rung k runs the survivors of rung k − 1 at η times the steps.
        var alive = candidates.SelectMany(c => c.Lrs.Select(lr => (c.Arm, Lr: lr))).ToList();
        List<(Arm Arm, double Lr, PlannedRun Run, RunResult Result)> rung = [];
        foreach (var r in plan.Rungs)
        {
            var runs = alive.Select(a => (a.Arm, a.Lr, Run: trials.Run(a.Arm, a.Lr, r.Steps, trials.BaseSeed)))
                .ToList();
            var results = waves.Run($"rung {r.Index + 1}/{plan.Rungs.Count}: {runs.Count} trials x {r.Steps} steps",
                runs.Select(x => x.Run));
            rung = runs.Select(x => (x.Arm, x.Lr, x.Run, results[x.Run.Id])).ToList();
            for (int extension = 1; r.Index == 0 && extension <= s.EdgeExtensions; extension++)
            {
                var tried = rung.Select(x => (x.Arm, x.Lr, x.Result)).ToList();
                var more = TuneLadder.EdgeCandidates(tried, metric, s.LrFind)
                    .Select(a => (a.Arm, a.Lr, Run: trials.Run(a.Arm, a.Lr, r.Steps, trials.BaseSeed))).ToList();
                if (more.Count == 0) break;
                var extra = waves.Run($"rung 1 edge extension {extension}: {more.Count} trials x {r.Steps} steps",
                    more.Select(x => x.Run));
                rung.AddRange(more.Select(x => (x.Arm, x.Lr, x.Run, extra[x.Run.Id])));
            }
            var ranked = TuneLadder.Rank(rung.Select(x => (x.Arm, x.Lr, x.Result)), metric);
            var keep = r.Index + 1 < plan.Rungs.Count ? TuneLadder.Promote(ranked, s) : [];
            foreach (var x in rung)
                rows.Add(Row($"rung {r.Index + 1}", r.Index, x.Arm, x.Lr, x.Run, x.Result, (metric, reportMetric),
                             keep.Any(k => k.Arm == x.Arm && k.Lr == x.Lr), store));
            if (ranked.All(x => x.Result.Status != RunStatus.Ok))
                throw new LoraLabException($"tune: every trial of rung {r.Index + 1} diverged or was pruned " +
                                           "(lower tune.lr_find.max_lr or check the config)", ExitCodes.RunFailed);
            alive = keep.Count > 0 ? keep.Select(k => (k.Arm, k.Lr)).ToList() : alive;
        }

        // 5. Finalists and the baseline over seeds at the full budget.
        var finalists = TuneLadder.Rank(rung.Select(x => (x.Arm, x.Lr, x.Result)), metric)
            .Where(x => x.Result.Status == RunStatus.Ok).Take(plan.Finalists).Select(x => (x.Arm, x.Lr)).ToList();
        var seeds = Enumerable.Range(trials.BaseSeed, s.Seeds).ToList();
        var baselineArm = trials.BaselineArm;
        var finalRuns = finalists.Select(f => (f.Arm, f.Lr, Stage: "seeds"))
            .Append((Arm: baselineArm, Lr: trials.BaseLr, Stage: "baseline"))
            .SelectMany(f => seeds.Select(seed =>
                (f.Arm, f.Lr, f.Stage, Run: trials.Run(f.Arm, f.Lr, trials.FullSteps, seed)))).ToList();
        var finalResults = waves.Run(
            $"seeds: {finalists.Count} finalist(s) and the baseline x {s.Seeds} seeds x {trials.FullSteps} steps",
            finalRuns.Select(f => f.Run));
        foreach (var f in finalRuns)
            rows.Add(Row(f.Stage, plan.Rungs.Count, f.Arm, f.Lr, f.Run, finalResults[f.Run.Id], (metric, reportMetric),
                         false, store));
        SeededConfig Seeded(Arm arm, double lr)
        {
            var runs = finalRuns.Where(f => f.Arm.Label == arm.Label && f.Lr == lr).Select(f => finalResults[f.Run.Id])
                .Distinct().ToList();
            List<double> Values(MetricInfo m) => runs
                .Where(r => r.Status == RunStatus.Ok && r.Metrics.ContainsKey(m.Name)).Select(r => r.Metrics[m.Name])
                .ToList();
            var (report, selection) = (Values(reportMetric), Values(metric));
            return new SeededConfig(arm.Label, arm.Init, lr, AxesText(arm),
                report, report.Count > 0 ? Statistics.MeanInterval(report) : null,
                selection, selection.Count > 0 ? Statistics.MeanInterval(selection) : null,
                runs.Count(r => r.Status != RunStatus.Ok), runs[0].Id);
        }
        var finalistSummaries = finalists.Select(f => Seeded(f.Arm, f.Lr)).ToList();
        var baseline = Seeded(baselineArm, trials.BaseLr);

        // 6. The choice: the finalist with the best mean over seeds (no seed diverged); the baseline when it is better.
        // Both by the selection metric: the eval set only reports.
        var best = finalistSummaries.Where(f => f.Diverged == 0 && f.SelectionMean is not null)
            .OrderBy(f => f, Comparer<SeededConfig>.Create((a, b) => Better(a, b, metric))).FirstOrDefault();
        var isBaseline = best is null || baseline.Diverged == 0 && baseline.SelectionMean is not null
                         && metric.IsBetter(baseline.SelectionMean.Estimate, best.SelectionMean!.Estimate);
        var recommended = isBaseline ? baseline : best!;
        var comparison = TuneVerdict.Compare(spec, kind, store, reportMetric, recommended, baseline,
            finalRuns.Select(f => (f.Stage, f.Run)), isBaseline);
        var verdict = comparison?.VerdictLine
                      ?? (best is not null && best.FirstSeedRunId == baseline.FirstSeedRunId
                          ? "the best finalist is the baseline configuration itself: nothing to compare"
                          : $"no finalist beat the baseline on {metric.Name}: the baseline is recommended");
        log.WriteLine($"[tune] recommended: {recommended.Arm}, optim.lr {G3(recommended.Lr)}; {verdict}");

        var trialSteps = rows.GroupBy(r => r.Id).Sum(g => (long)(g.First().StepsCompleted ?? g.First().Steps));
        var result = new TuneResult
        {
            Name = spec.Name, Metric = metric.Name, Direction = metric.Direction, ReportMetric = reportMetric.Name,
            Plan = plan, LrFind = lrFind, Trials = rows,
            Finalists = finalistSummaries, Baseline = baseline, Recommended = recommended,
            RecommendedIsBaseline = recommended.FirstSeedRunId == baseline.FirstSeedRunId,
            Comparison = comparison, Verdict = verdict, LrFindStepsUsed = lrFindSteps, TrialStepsUsed = trialSteps,
        };
        var recommendedArm = isBaseline
            ? baselineArm
            : finalists.First(f => f.Arm.Label == recommended.Arm && f.Lr == recommended.Lr).Arm;
        TuneOutputs.Write(result, trials.Recommended(recommendedArm, recommended.Lr), store, directory, spec);
        var minutes = clock.Elapsed.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture);
        var share = ((double)result.StepsUsed / plan.FullGridSteps).ToString("P0", CultureInfo.InvariantCulture);
        log.WriteLine($"[tune] done in {minutes} min: {result.StepsUsed} training steps ({share} of a full " +
                      $"grid of the same candidates, {plan.FullGridSteps}); outputs in {directory}");
        return result;
    }

    /// <summary>(ranking, report): tune.metric / tune.report_metric, else for finetune the config's select_by on the
    /// held-out slice and on the eval set, else the kind's first metric for both.</summary>
    static (MetricInfo Metric, MetricInfo Report) MetricsOf(TuneSpec spec, IRunKind kind, JsonObject resolved)
    {
        var select = kind is FinetuneRunKind
            ? SelectMetrics.Key(ConfigLoader.FromTree<FinetuneConfig>(resolved, null, spec.Name).ResolvedSelectBy())
            : null;
        var name = spec.Settings.Metric ?? (select is null ? kind.Metrics[0].Name : "heldout_" + select);
        var report = spec.Settings.ReportMetric ?? select ?? name;
        MetricInfo Find(string n, string what) => kind.Metrics.FirstOrDefault(m => m.Name == n)
            ?? throw new LoraLabException($"{spec.Name}: {what} '{n}' is not a metric of kind '{kind.Name}' " +
                                          $"({string.Join(", ", kind.Metrics.Select(m => m.Name))})", ExitCodes.Usage);
        return (Find(name, "tune.metric"), Find(report, "tune.report_metric"));
    }

    /// <summary>DIR/tune-spec.json holds the spec and budget the folder was started with; another spec or budget is
    /// refused (use another --out), the same one resumes.</summary>
    static void ClaimFolder(TuneSpec spec, string directory, TuneBudgetOption budget)
    {
        var claim = spec.ToNode();
        claim["budget"] = budget.Source;
        var text = CanonicalJson.Serialize(claim) + "\n";
        var path = Path.Combine(directory, SpecFile);
        if (File.Exists(path) && File.ReadAllText(path) != text)
            throw new LoraLabException(
                $"{path}: this folder holds another tune (spec or budget differ); use another --out", ExitCodes.Usage);
        AtomicFile.WriteAllText(path, text);
    }

    static TunePlan PlanForMinutes(TuneSpec spec, TuneTrials trials, TuneBudgetOption budget,
        List<RunResult> lrFindRuns, SweepRunOptions options, string directory)
    {
        var path = Path.Combine(directory, TunePlan.FileName);
        long steps;
        if (File.Exists(path)) steps = JsonNode.Parse(File.ReadAllText(path))!["budget_steps"]!.GetValue<long>();
        else
        {
            // Seconds per step of the ramps (their load time included, so on the safe side), times the parallel jobs.
            var seconds = lrFindRuns.Sum(r => r.Timing.WallSeconds);
            var perStep = seconds / Math.Max(1, lrFindRuns.Sum(StepsOf));
            var parallel = Math.Max(1, Math.Min(options.Jobs, options.Cores / Math.Max(1, options.ThreadsPerJob)));
            var left = Math.Max(0, budget.Minutes!.Value * 60 - seconds);
            steps = lrFindRuns.Sum(StepsOf) + (long)Math.Floor(left / perStep * parallel);
            AtomicFile.WriteAllText(path, new JsonObject
            {
                ["budget_steps"] = steps, ["minutes"] = budget.Minutes, ["seconds_per_step"] = perStep,
                ["parallel_jobs"] = parallel,
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        return TuneBudget.Choose(trials.FullSteps, trials.Arms().Count, spec.Settings.LrFind.Inits.Count, spec.Settings,
            steps, $"{budget.Source} = {steps} steps at lr-find's speed");
    }

    static string G3(double x) => x.ToString("G3", CultureInfo.InvariantCulture);

    static long StepsOf(RunResult r) => r.Metrics.TryGetValue("steps_completed", out var s) ? (long)s
        : r.Curves.TryGetValue("loss", out var l) ? l.Length : 0;

    static int Better(SeededConfig a, SeededConfig b, MetricInfo metric)
    {
        if (a.SelectionMean!.Estimate == b.SelectionMean!.Estimate) return a.Lr.CompareTo(b.Lr);
        return metric.IsBetter(a.SelectionMean.Estimate, b.SelectionMean.Estimate) ? -1 : 1;
    }

    static IReadOnlyDictionary<string, string> AxesText(Arm arm) =>
        arm.Axes.ToDictionary(a => a.Key, a => CanonicalJson.ScalarText(a.Value));

    static TrialRow Row(string stage, int rung, Arm arm, double lr, PlannedRun run, RunResult result,
        (MetricInfo Rank, MetricInfo Report) metric, bool promoted, ResultStore store) =>
        new(stage, rung, run.Id, arm.Label, arm.Init, lr, AxesText(arm),
            int.Parse(run.Value("steps")!, CultureInfo.InvariantCulture),
            int.Parse(run.Value("seed")!, CultureInfo.InvariantCulture), EnumNames.Of(result.Status),
            result.Metrics.TryGetValue(metric.Rank.Name, out var m) && result.Status == RunStatus.Ok ? m : null,
            result.Metrics.TryGetValue(metric.Report.Name, out var rep) && result.Status == RunStatus.Ok ? rep : null,
            result.Metrics.TryGetValue("steps_completed", out var sc) ? (int)sc : null, promoted,
            result.Status == RunStatus.Ok ? null : RunNotes.StopReason(store, run.Id) ?? result.Error ?? "diverged");
}
