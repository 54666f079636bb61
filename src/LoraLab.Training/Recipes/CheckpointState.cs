namespace LoraLab.Training.Recipes;

/// <summary>
/// The non-tensor part of a finetune checkpoint (docs/finetune.md, "Checkpoints"), stored as JSON in the
/// <c>loralab_checkpoint</c> metadata entry of the checkpoint's safetensors file. Everything the loop needs to
/// continue as if it had never stopped: the step (also the data-order cursor: <see cref="BatchOrder"/> is a pure
/// function of the step), how much of metrics.jsonl belongs to the steps done, the LR scale left by rollbacks, the
/// best-adapter bookkeeping and the monitors' running windows. Unknown keys are errors.
/// </summary>
internal sealed record CheckpointState
{
    public const string FormatName = "loralab-finetune-checkpoint";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    /// <summary>Optimizer steps completed; the next step has this 0-based index.</summary>
    public int Step { get; init; }
    /// <summary>Steps of the whole run (a checkpoint of another run length is refused).</summary>
    public int TotalSteps { get; init; }
    /// <summary>Bytes of metrics.jsonl written up to and including this step; a resume truncates the file
    /// there.</summary>
    public long MetricsBytes { get; init; }
    /// <summary>Multiplier of every group's scheduled LR (1, halved by each rollback).</summary>
    public double LrScale { get; init; } = 1.0;
    /// <summary>Rollbacks done so far (bounded by monitors.max_rollbacks).</summary>
    public int Rollbacks { get; init; }
    /// <summary>AdamW's step count per trainable tensor name (its moments are tensors of the file).</summary>
    public Dictionary<string, long> AdamSteps { get; init; } = [];
    /// <summary>Eval metrics before training (step 0), for result.json.</summary>
    public Dictionary<string, double>? InitialMetrics { get; init; }
    /// <summary>Best value of select_by so far and its step (null before the first eval after step 0).</summary>
    public double? BestValue { get; init; }
    public int? BestStep { get; init; }
    /// <summary>Evals in a row without a new best (early stopping counts these).</summary>
    public int EvalsSinceBest { get; init; }
    /// <summary>The first step's training loss (before any update), which divergence_factor compares against.</summary>
    public double? FirstLoss { get; init; }
    /// <summary>The instability monitors' running windows, by monitor name.</summary>
    public Dictionary<string, List<double>> MonitorWindows { get; init; } = [];
}
