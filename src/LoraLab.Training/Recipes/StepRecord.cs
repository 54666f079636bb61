using System.Text.Json.Serialization;

namespace LoraLab.Training.Recipes;

/// <summary>One line of metrics.jsonl: a training step (kind "train"), an evaluation (kind "eval") or a monitor
/// firing (kind "event").</summary>
public sealed record StepRecord
{
    public string Kind { get; init; } = "train";
    /// <summary>Optimizer steps completed (an eval at step 0 scores the model before training).</summary>
    public int Step { get; init; }
    public double Epoch { get; init; }
    public double? Loss { get; init; }
    /// <summary>LR used in this step, per optimizer group (lora_A, lora_B, other).</summary>
    public IReadOnlyDictionary<string, double>? Lr { get; init; }
    /// <summary>Gradient norms before clipping: all lora_A, all lora_B, other, global.</summary>
    public double? GradNormA { get; init; }
    public double? GradNormB { get; init; }
    public double? GradNormOther { get; init; }
    public double? GradNorm { get; init; }
    public bool? Clipped { get; init; }
    /// <summary>Every log_every steps, per adapted layer (order of result.json's adapted_layers): RMS of Z_A = A·x and
    /// Z_B = s·B·A·x over the training forwards since the last log (Hayou et al. 2024's feature-learning
    /// diagnostics), ‖s·B·A‖_F, this step's update ratio ‖Δ(B·A)‖/‖B·A‖ (null where B·A was 0), and the RMS over
    /// the same steps of each lora_A's and lora_B's grad norm.</summary>
    [JsonPropertyName("z_a_rms")] public IReadOnlyList<double>? ZaRms { get; init; }
    [JsonPropertyName("z_b_rms")] public IReadOnlyList<double>? ZbRms { get; init; }
    public IReadOnlyList<double>? DeltaWNorm { get; init; }
    public IReadOnlyList<double?>? UpdateRatio { get; init; }
    public IReadOnlyList<double>? GradNormsA { get; init; }
    public IReadOnlyList<double>? GradNormsB { get; init; }
    /// <summary>Kind "event": which monitor fired, the value against its threshold, what the run did.</summary>
    public string? Monitor { get; init; }
    public double? Value { get; init; }
    public double? Threshold { get; init; }
    public string? Action { get; init; }
    public string? Detail { get; init; }
    /// <summary>Evaluation metrics (kind "eval").</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
