using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The "finetune" kind: one <c>loralab finetune</c> run (<see cref="FinetuneRecipe"/>) per grid point, e.g. MiniLM
/// on SST-2 or stories260K on WikiText-2 under Init[A]/Init[B] × LR × seed (configs/paper/). The recipe writes its
/// own files (metrics.jsonl, result.json, adapter/, log.txt) into RUN/finetune/, next to the sweep's RUN/result.json.
/// Metrics: the final eval metrics (accuracy, mcc, f1, perplexity, loss as the task reports them), the same before
/// training (initial_*), the last train loss and the steps completed; with data.heldout_fraction also heldout_*.
/// Curves, one entry per step: loss, rms_za, rms_zb (mean over adapted layers), grad_norm_a, grad_norm_b; and
/// eval_&lt;metric&gt;, one entry per evaluation.
/// Data and model paths stay relative (run sweeps from the repository root), so run ids do not depend on the checkout.
/// </summary>
internal sealed class FinetuneRunKind : IRunKind
{
    /// <summary>Folder inside the sweep's run folder that holds the recipe's own output.</summary>
    public const string OutputFolder = "finetune";

    public string Name => "finetune";

    public IReadOnlyList<MetricInfo> Metrics { get; } =
    [
        new("accuracy", MetricDirection.Higher),
        new("mcc", MetricDirection.Higher),
        new("f1", MetricDirection.Higher),
        new("perplexity", MetricDirection.Lower),
        new("loss", MetricDirection.Lower),
        new("final_train_loss", MetricDirection.Lower),
        new("initial_accuracy", MetricDirection.Higher),
        new("initial_mcc", MetricDirection.Higher),
        new("initial_f1", MetricDirection.Higher),
        new("initial_perplexity", MetricDirection.Lower),
        new("initial_loss", MetricDirection.Lower),
        new("steps_completed", MetricDirection.Higher),
        // data.heldout_fraction > 0: the same metrics on the held-out slice of the training data (select an LR here).
        new("heldout_accuracy", MetricDirection.Higher),
        new("heldout_mcc", MetricDirection.Higher),
        new("heldout_f1", MetricDirection.Higher),
        new("heldout_perplexity", MetricDirection.Lower),
        new("heldout_loss", MetricDirection.Lower),
    ];

    /// <summary>Threads change speed, not results; save_adapter and tensorboard change only what is kept on
    /// disk.</summary>
    public IReadOnlyList<string> ExecutionKeys { get; } = ["threads", "save_adapter", "tensorboard"];

    static readonly HashSet<string> Counts = ["examples", "tokens", "heldout_examples", "heldout_tokens"];

    public JsonObject Resolve(JsonObject merged, string source)
    {
        var config = ConfigLoader.FromTree<FinetuneConfig>(merged, null, source);
        config = config with { Lora = config.ResolvedLora() };
        CheckFilesExist(config, source);
        // Derived values are [JsonIgnore]: the tree holds exactly the keys a config file may set.
        return (JsonObject)ConfigJson.ToNode(config);
    }

    public RunOutcome Execute(JsonObject resolved, RunContext context)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        var config = ConfigLoader.FromTree<FinetuneConfig>(resolved, null, context.RunId)
                     with { Threads = context.Threads };
        var outDir = Path.Combine(context.RunDirectory, OutputFolder);
        Directory.CreateDirectory(outDir);
        FinetuneResult result;
        var logPath = Path.Combine(outDir, "log.txt");
        using (var log = new StreamWriter(logPath, append: false) { AutoFlush = true, NewLine = "\n" })
            result = FinetuneRecipe.Run(config, outDir, log);
        // "stopped": an instability monitor ended it; "interrupted" (SIGTERM/SIGINT): not a result, nothing recorded.
        var status = result.Status switch
        {
            "completed" => RunStatus.Ok,
            "diverged" or "stopped" => RunStatus.Diverged,
            _ => throw new OperationCanceledException($"finetune {result.Status} after step {result.StepsCompleted}"),
        };
        return new RunOutcome(status, MetricsOf(result, outDir),
                              FinetuneCurves.Read(Path.Combine(outDir, "metrics.jsonl")));
    }

    static Dictionary<string, double> MetricsOf(FinetuneResult result, string outDir)
    {
        var metrics = new Dictionary<string, double>();
        foreach (var (key, value) in result.FinalMetrics)
            if (!Counts.Contains(key)) metrics[key] = value;
        foreach (var (key, value) in result.InitialMetrics ?? new Dictionary<string, double>())
            if (!Counts.Contains(key)) metrics["initial_" + key] = value;
        if (FinetuneCurves.LastTrainLoss(Path.Combine(outDir, "metrics.jsonl")) is { } last)
            metrics["final_train_loss"] = last;
        metrics["steps_completed"] = result.StepsCompleted;
        return metrics;
    }

    /// <summary>Missing data or weights are found at plan time, not one run at a time hours later.</summary>
    static void CheckFilesExist(FinetuneConfig config, string source)
    {
        var (train, eval) = FinetuneTasks.DefaultPaths(config.Task);
        var paths = new List<(string What, string? Path)>
        {
            ("data.train_path", config.Data.TrainPath ?? train),
            ("data.eval_path", config.Data.EvalPath ?? eval),
            ("model.path", config.Model.Path),
            ("model.tokenizer_path", config.Model.TokenizerPath),
        };
        foreach (var (what, path) in paths)
            if (path is not null && !File.Exists(path) && !Directory.Exists(path))
                throw new LoraLabException(
                    $"{source}: {what} not found: {path} (relative to {Directory.GetCurrentDirectory()}; " +
                    "run sweeps from the repository root)",
                    ExitCodes.Usage);
    }
}
