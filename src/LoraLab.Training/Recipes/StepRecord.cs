using System.Text.Json.Serialization;

namespace LoraLab.Training.Recipes;

/// <summary>One line of metrics.jsonl: a training step (kind "train") or an evaluation (kind "eval").</summary>
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
    /// <summary>RMS of Z_A = A·x and Z_B = s·B·A·x per adapted layer (order of result.json's adapted_layers), in
    /// this step's forward (Hayou et al. 2024's feature-learning diagnostics).</summary>
    [JsonPropertyName("z_a_rms")] public IReadOnlyList<double>? ZaRms { get; init; }
    [JsonPropertyName("z_b_rms")] public IReadOnlyList<double>? ZbRms { get; init; }
    /// <summary>Evaluation metrics (kind "eval").</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
