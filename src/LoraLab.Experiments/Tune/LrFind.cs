using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// <c>loralab lr-find</c> on the sweep engine: a sweep of one ramp run per init (the user's finetune config with the
/// <see cref="LrDecay.RangeTest"/> schedule and the smoothed-loss stop, so the ramp is the same training loop a
/// finetune runs), then the suggestions read off each run's loss curve. Resumable like any sweep: a rerun of the
/// same folder reuses finished ramps.
/// </summary>
public static class LrFind
{
    /// <summary>The config keys a ramp overrides (dotted paths), for <paramref name="baseConfig"/>'s
    /// optim.lr.</summary>
    public static IReadOnlyList<(string Key, JsonNode? Value)> Overrides(JsonObject baseConfig, LrFindSettings s)
    {
        var optim = baseConfig["optim"] as JsonObject;
        foreach (var key in new[] { "lr_a", "lr_b" })
            if (optim?[key] is not null)
                throw new LoraLabException($"lr-find ramps optim.lr; optim.{key} is set and would not follow it " +
                                           "(use optim.loraplus_ratio for lr_b/lr_a)", ExitCodes.Usage);
        var lr = optim?["lr"]?.GetValue<double>() ?? new OptimizerConfig().Lr;
        var list = new List<(string, JsonNode?)>
        {
            ("steps", (double)s.Steps), ("epochs", 0.0), ("optim.lr", s.MaxLr),
            ("schedule.decay", "range-test"), ("schedule.warmup_steps", 0.0),
            ("schedule.min_lr_ratio", s.MinLr / s.MaxLr),
            ("eval_every", 0.0), ("eval_at_start", false), ("eval_batches", 1.0), ("checkpoint_every", 0.0),
            ("early_stopping_patience", 0.0), ("save_adapter", false),
            ("monitors.enabled", true), ("monitors.action", "stop"), ("monitors.loss_spike", 0.0),
            ("monitors.grad_spike", 0.0),
            ("monitors.za_growth", 0.0), ("monitors.update_ratio", 0.0),
            ("monitors.smoothed_loss", s.StopFactor), ("monitors.smoothing", s.Smoothing),
        };
        // Numbers as doubles: CanonicalJson (run ids) reads every number node as a double.
        // A head's own LR keeps its ratio to optim.lr, so every group ramps together (as fastai's lr_find does).
        if (optim?["lr_other"]?.GetValue<double>() is { } other) list.Add(("optim.lr_other", other / lr * s.MaxLr));
        return list;
    }

    public static SweepSpec Spec(string name, JsonObject baseConfig, LrFindSettings s, string kind = "finetune")
    {
        var merged = (JsonObject)baseConfig.DeepClone();
        foreach (var (key, value) in Overrides(baseConfig, s)) SweepPlanner.Set(merged, key, value);
        var inits = s.Inits.Select(i => (JsonNode?)JsonValue.Create(i)).ToList();
        return new SweepSpec($"{name}-lr-find", kind, merged, [new GridAxis("lora.init", inits)]);
    }

    /// <summary>The LR of 0-based step <paramref name="step"/> of the ramp (what the optimizer gets for
    /// optim.lr).</summary>
    public static double LrAt(LrFindSettings s, int step) =>
        s.MaxLr * new LrSchedule { Decay = LrDecay.RangeTest, MinLrRatio = s.MinLr / s.MaxLr }.Factor(step, s.Steps);

    /// <summary><see cref="Run"/>, then the report (lr_find.csv, report.html); returns what <c>loralab lr-find</c>
    /// prints: per init, the steps done and the suggested LRs, and where the report is.</summary>
    public static string RunAndReport(string name, JsonObject baseConfig, LrFindSettings s, string directory,
        RunKinds kinds, SweepRunOptions options, TextWriter log)
    {
        var result = Run(name, baseConfig, s, directory, kinds, options, log);
        LrFindReport.Write(result, directory);
        var text = new StringBuilder();
        foreach (var c in result.Curves)
        {
            var suggestions = c.Suggestions.Count == 0
                ? "no suggestion (the curve is too short: lower --min-lr)"
                : string.Join(", ", c.Suggestions.Select(
                    x => $"{x.Rule} {x.Lr.ToString("G3", CultureInfo.InvariantCulture)}"));
            text.Append($"init {c.Init}: {c.StepsCompleted}/{c.StepsPlanned} steps ({c.StopReason ?? c.Status}); ")
                .Append(suggestions).Append('\n');
        }
        text.Append($"report: {Path.Combine(directory, LrFindReport.HtmlFile)}\n");
        return text.ToString();
    }

    /// <summary>Runs the ramps that are not finished in <paramref name="directory"/>, then reads them. A ramp that
    /// failed (the model or data did not load) is a one-line error, exit 65.</summary>
    internal static LrFindResult Run(string name, JsonObject baseConfig, LrFindSettings s, string directory,
        RunKinds kinds, SweepRunOptions options, TextWriter log, string kind = "finetune",
        CancellationToken ct = default)
    {
        var spec = Spec(name, baseConfig, s, kind);
        var plan = SweepPlanner.Plan(spec, kinds, $"{name}: lr-find");
        var store = new ResultStore(directory);
        SweepRunner.Run(plan, store, kinds, options with { Jobs = Math.Min(options.Jobs, plan.Runs.Count) }, log, ct);
        var reads = store.ReadAll(plan);
        if (reads.FirstOrDefault(r => !r.Finished) is { } bad)
            throw new LoraLabException($"lr-find: the ramp of init {bad.Run.Value("lora.init")} did not finish: " +
                                       (bad.Result?.Error ?? bad.Corruption ?? "no result"), ExitCodes.BadInput);
        var result = Analyse(name, s, reads, store);
        AtomicFile.WriteAllText(Path.Combine(store.Directory, LrFindResult.FileName),
                                ConfigJson.Serialize(result) + "\n");
        return result;
    }

    /// <summary>Plan mode (<c>tune plan --slurm</c>): writes the ramps' plan.json and throws
    /// <see cref="TuneWavePending"/> when a ramp is not finished; else reads and writes lr_find.json.</summary>
    internal static LrFindResult Replay(string name, JsonObject baseConfig, LrFindSettings s, string directory,
        RunKinds kinds, string kind = "finetune")
    {
        var plan = SweepPlanner.Plan(Spec(name, baseConfig, s, kind), kinds, $"{name}: lr-find");
        var store = new ResultStore(directory);
        store.EnsurePlan(plan);
        var reads = store.ReadAll(plan);
        if (reads.Where(r => !r.Finished).Select(r => r.Run.Id).ToList() is { Count: > 0 } todo)
            throw new TuneWavePending($"lr-find: {todo.Count} ramp(s)", store.Directory, todo);
        var result = Analyse(name, s, reads, store);
        AtomicFile.WriteAllText(Path.Combine(store.Directory, LrFindResult.FileName),
                                ConfigJson.Serialize(result) + "\n");
        return result;
    }

    /// <summary>Each finished ramp's curve and suggestions.</summary>
    internal static LrFindResult Analyse(string name, LrFindSettings s, IReadOnlyList<ResultRead> reads,
        ResultStore store)
    {
        var curves = reads.Select(r =>
        {
            var result = r.Result!;
            var loss = result.Curves.TryGetValue("loss", out var l) ? l.Where(double.IsFinite).ToArray() : [];
            var lrs = Enumerable.Range(0, loss.Length).Select(i => LrAt(s, i)).ToArray();
            var smoothed = LrSuggestions.Smooth(loss, s.Smoothing);
            var status = result.Status == RunStatus.Ok ? "completed" : "stopped";
            return new LrFindCurve(r.Run.Value("lora.init")!, r.Run.Id, status, s.Steps, loss.Length,
                RunNotes.StopReason(store, r.Run.Id), lrs, loss, smoothed,
                LrSuggestions.Suggest(lrs, smoothed, s.Steps));
        }).ToList();
        return new LrFindResult(name, s, curves);
    }
}
