using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Metrics;
using LoraLab.Training.Recipes;
using TorchSharp;

namespace LoraLab.Experiments.Eval;

/// <summary>What <c>loralab eval</c> compares: the finetune config that built the adapters' model and task, the
/// candidate adapter, the baseline (an adapter folder, or null for the base model), and the eval data (null = the
/// config's eval set).</summary>
public sealed record EvalRequest(FinetuneConfig Config, string Candidate, string? Baseline, string? DataPath,
                                 int Resamples = 10_000, int BootstrapSeed = 20240607);

/// <summary>
/// <c>loralab eval</c>: the staged switch from the adapter in service to a new one. Both are scored example by example
/// on the same held-out data (the model and data built by <see cref="FinetuneTaskFactory"/>, exactly as finetune built
/// them), compared in pairs, and judged: <see cref="EvalVerdict.Switch"/> when the bootstrap interval of the primary
/// metric's difference excludes 0 on the candidate's side and the paired test (exact McNemar for classification,
/// paired t on per-example loss for language modelling) gives p &lt; 0.05; <see cref="EvalVerdict.Keep"/> when both say
/// the candidate is worse; otherwise <see cref="EvalVerdict.Inconclusive"/>. Writes DIR/eval.json, DIR/eval.html and
/// DIR/examples.csv (per-example predictions and losses of both).
/// </summary>
public static class AdapterEval
{
    const double Alpha = 0.05;

    /// <summary>The config a finetune wrote into result.json beside <paramref name="adapterDir"/> (RUN/adapter →
    /// RUN/result.json), or null when there is none.</summary>
    public static JsonObject? TrainedConfig(string adapterDir)
    {
        var result = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(adapterDir).TrimEnd('/'))!, "result.json");
        if (!File.Exists(result)) return null;
        var tree = ConfigLoader.ParseObject(File.ReadAllText(result), result);
        if (tree["config"] is not JsonObject config)
            throw new LoraLabException($"{result}: no \"config\" object", ExitCodes.BadInput);
        return (JsonObject)config.DeepClone();
    }

    /// <summary>The finetune config for an eval: <paramref name="configPath"/> if given, else the candidate's training
    /// config from result.json; then <paramref name="sets"/> and <paramref name="model"/> (a model kind or a weights
    /// path).
    /// Checks that a baseline adapter was trained on the same model and task.</summary>
    public static FinetuneConfig ResolveConfig(string? configPath, IReadOnlyList<string> sets, string? model,
                                               string candidate, string? baseline)
    {
        var trained = TrainedConfig(candidate);
        if (configPath is null && trained is null)
            throw new LoraLabException(
                $"no result.json beside {candidate}: give --config, the finetune config it was trained with",
                ExitCodes.Usage);
        var overrides = sets.ToList();
        if (model is not null)
            overrides.Add(Enum.GetValues<ModelKind>().Any(k => EnumNames.Of(k) == model)
                ? $"model.kind={model}"
                : $"model.path={model}");
        var config = configPath is null
            ? ConfigLoader.FromTree<FinetuneConfig>(trained, overrides, Path.Combine(candidate, "..", "result.json"))
            : ConfigLoader.Load<FinetuneConfig>(configPath, overrides);
        if (trained is not null && baseline is not null) CheckSameSetup(trained, TrainedConfig(baseline), baseline);
        return config;
    }

    /// <summary>Fails when the baseline adapter was trained on another model, task or preprocessing than the
    /// candidate.</summary>
    static void CheckSameSetup(JsonObject candidate, JsonObject? baseline, string baselineDir)
    {
        if (baseline is null) return;
        foreach (var key in new[] { "model", "task", "max_seq_len", "pooling" })
            if (!JsonNode.DeepEquals(candidate[key], baseline[key]))
                throw new LoraLabException(
                    $"{baselineDir}: trained with {key} {baseline[key]?.ToJsonString()}, the candidate with " +
                    $"{candidate[key]?.ToJsonString()}; compare adapters of one model and task", ExitCodes.Usage);
    }

    /// <summary>Scores both sides (<see cref="Run"/>, which writes eval.json and the report into
    /// <paramref name="outDir"/>) and returns the one-line summary <c>loralab eval</c> prints.</summary>
    public static string RunAndSummarize(EvalRequest request, string outDir, TextWriter log)
    {
        var r = Run(request, outDir, log);
        return string.Format(CultureInfo.InvariantCulture,
            "{0}: {1} {2:G4} vs {3:G4}, difference {4:G4} [{5:G4}, {6:G4}], p {7:G3} ({8}), " +
            "minimal detectable effect {9:G3} -> {10}",
            EnumNames.Of(r.Verdict), r.PrimaryMetric,
            r.Candidate.Metrics[r.PrimaryMetric], r.Baseline.Metrics[r.PrimaryMetric],
            r.Difference.Estimate, r.Difference.Low, r.Difference.High, r.McNemar?.P ?? r.PairedT.P,
            r.McNemar is null ? "paired t" : "McNemar", r.Difference.MinimalDetectableEffect,
            Path.Combine(outDir, "eval.json"));
    }

    internal static EvalReport Run(EvalRequest request, string outDir, TextWriter log)
    {
        var config = request.Config;
        torch.set_num_threads(config.Threads);
        var (candidate, candidateSide, primary, higher, data) =
            Score(config, request.Candidate, request.DataPath, "candidate", log);
        var (baseline, baselineSide, _, _, _) = Score(config, request.Baseline, request.DataPath, "baseline", log);
        if (candidate.Count != baseline.Count)
            throw new InvalidOperationException($"scored {candidate.Count} vs {baseline.Count} examples");
        var classification = FinetuneTasks.IsClassification(config.Task);
        if (classification && !candidate.Zip(baseline).All(p => p.First.Label == p.Second.Label))
            throw new InvalidOperationException("the two sides saw different labels");

        var metric = PrimaryStatistic(classification, primary);
        var difference = PairedTests.Bootstrap(candidate.Count,
            idx => metric(candidate, idx) - metric(baseline, idx), request.Resamples, request.BootstrapSeed);
        var lossDifference = PairedTests.Bootstrap(candidate.Count,
            idx => MeanLoss(candidate, idx) - MeanLoss(baseline, idx), request.Resamples, request.BootstrapSeed);
        var t = PairedTests.PairedT(candidate.Zip(baseline, (c, b) => c.Loss - b.Loss).ToList());
        McNemarResult? mcnemar = null;
        if (classification)
        {
            int onlyCandidate = 0, onlyBaseline = 0;
            foreach (var (c, b) in candidate.Zip(baseline))
            {
                if (c.Predicted == c.Label && b.Predicted != b.Label) onlyCandidate++;
                if (b.Predicted == b.Label && c.Predicted != c.Label) onlyBaseline++;
            }
            mcnemar = new McNemarResult(onlyCandidate, onlyBaseline,
                                        PairedTests.McNemarExactP(onlyCandidate, onlyBaseline));
        }
        var testP = mcnemar?.P ?? t.P;
        var better = higher ? difference.Low > 0 : difference.High < 0;
        var worse = higher ? difference.High < 0 : difference.Low > 0;
        var verdict = better && testP < Alpha ? EvalVerdict.Switch
            : worse && testP < Alpha ? EvalVerdict.Keep
            : EvalVerdict.Inconclusive;
        var report = new EvalReport
        {
            Task = EnumNames.Of(config.Task), Data = data, Examples = candidate.Count, PrimaryMetric = primary,
            HigherIsBetter = higher, Candidate = candidateSide, Baseline = baselineSide,
            Difference = difference, LossDifference = lossDifference, McNemar = mcnemar,
            PairedT = new PairedTResult(t.Mean, t.T, t.Df, t.P), Verdict = verdict,
            Rule = $"switch if the 95% paired-bootstrap interval of {primary} (candidate − baseline) lies on the " +
                   $"candidate's side of 0 and the {(classification ? "exact McNemar" : "paired t")} test gives " +
                   $"p < {Alpha}; " +
                   "keep if both say the candidate is worse; otherwise inconclusive. Minimal detectable effect: " +
                   "2.80 × the bootstrap SE (80% power, two-sided α = 0.05).",
            BootstrapSeed = request.BootstrapSeed,
        };
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "eval.json"), ConfigJson.Serialize(report) + "\n");
        AtomicFile.WriteAllText(Path.Combine(outDir, "examples.csv"), ExamplesCsv(candidate, baseline, classification));
        EvalHtml.Build(report).Save(Path.Combine(outDir, "eval.html"));
        return report;
    }

    static (IReadOnlyList<ExampleScore>, EvalSide, string Primary, bool Higher, string Data) Score(
        FinetuneConfig config, string? adapter, string? dataPath, string role, TextWriter log)
    {
        torch.manual_seed(config.Seed); // the classification head is drawn, then replaced by the adapter's
        using var task = FinetuneTaskFactory.CreateForEval(config, dataPath, log);
        var scorer = task as IScoresExamples
            ?? throw new LoraLabException($"task {EnumNames.Of(config.Task)} cannot score examples one by one",
                                          ExitCodes.Usage);
        if (adapter is not null)
        {
            var folder = PeftAdapter.Read(adapter);
            if (task.HeadParameters.Count > 0 && !(folder.Config.ModulesToSave ?? []).Any())
                throw new LoraLabException($"{adapter}: no classification head (empty modules_to_save); " +
                                           "eval needs the head finetune trained", ExitCodes.BadInput);
            PeftAdapter.Apply(adapter, task.Model);
        }
        log.WriteLine($"scoring the {role} ({adapter ?? "base model"}) ...");
        var scores = scorer.ScoreEvalExamples(config.EvalBatchSize);
        if (scores.Count == 0) throw new LoraLabException("the eval set is empty", ExitCodes.BadInput);
        var classification = FinetuneTasks.IsClassification(config.Task);
        var all = Enumerable.Range(0, scores.Count).ToArray();
        var metrics = new Dictionary<string, double> { ["loss"] = MeanLoss(scores, all) };
        if (classification)
        {
            metrics["accuracy"] = ClassificationMetric("accuracy")(scores, all);
            if (task.PrimaryMetric != "accuracy")
                metrics[task.PrimaryMetric] = ClassificationMetric(task.PrimaryMetric)(scores, all);
        }
        else metrics["perplexity"] = Math.Exp(metrics["loss"]);
        var name = adapter is null ? "base model" : Path.GetFileName(Path.GetFullPath(adapter).TrimEnd('/'));
        var data = string.Join(", ", task.DataReports.Select(r => $"{r.Source} ({r.Examples} examples)"));
        return (scores, new EvalSide(name, adapter, metrics), task.PrimaryMetric, task.HigherIsBetter, data);
    }

    static Func<IReadOnlyList<ExampleScore>, int[], double> PrimaryStatistic(bool classification, string primary) =>
        classification ? ClassificationMetric(primary) : (s, idx) => Math.Exp(MeanLoss(s, idx));

    static Func<IReadOnlyList<ExampleScore>, int[], double> ClassificationMetric(string name) => name switch
    {
        "accuracy" => (s, idx) => ClassificationMetrics.Accuracy(Predicted(s, idx), Gold(s, idx)),
        "f1" => (s, idx) => ClassificationMetrics.F1(Predicted(s, idx), Gold(s, idx)),
        "mcc" => (s, idx) => ClassificationMetrics.Mcc(Predicted(s, idx), Gold(s, idx)),
        _ => throw new InvalidOperationException($"no classification metric '{name}'"),
    };

    static int[] Predicted(IReadOnlyList<ExampleScore> s, int[] idx) => Array.ConvertAll(idx, i => s[i].Predicted);
    static int[] Gold(IReadOnlyList<ExampleScore> s, int[] idx) => Array.ConvertAll(idx, i => s[i].Label);

    /// <summary>Σ NLL / Σ loss positions over the chosen examples (classification: the mean cross-entropy).</summary>
    static double MeanLoss(IReadOnlyList<ExampleScore> s, int[] idx)
    {
        double nll = 0, tokens = 0;
        foreach (var i in idx) (nll, tokens) = (nll + s[i].Nll, tokens + s[i].Tokens);
        return nll / tokens;
    }

    static string ExamplesCsv(IReadOnlyList<ExampleScore> candidate, IReadOnlyList<ExampleScore> baseline,
                              bool classification)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(classification
            ? "index,label,candidate_predicted,candidate_loss,baseline_predicted,baseline_loss\n"
            : "index,tokens,candidate_loss,baseline_loss\n");
        for (var i = 0; i < candidate.Count; i++)
        {
            var (a, b) = (candidate[i], baseline[i]);
            sb.Append(classification
                ? string.Format(c, "{0},{1},{2},{3:R},{4},{5:R}\n", i, a.Label, a.Predicted, a.Loss, b.Predicted,
                                b.Loss)
                : string.Format(c, "{0},{1},{2:R},{3:R}\n", i, a.Tokens, a.Loss, b.Loss));
        }
        return sb.ToString();
    }
}
