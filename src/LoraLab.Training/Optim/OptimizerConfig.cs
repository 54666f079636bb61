using System.Text.Json.Serialization;
using LoraLab.IO.Config;

namespace LoraLab.Training.Optim;

/// <summary>
/// AdamW with separate parameter groups for A and B (LoRA+, Hayou et al. 2024b). <c>lr</c> is the shared rate; set
/// <c>lr_a</c>/<c>lr_b</c> to split it, or <c>loraplus_ratio</c> λ = lr_B/lr_A (λ &lt; 1 allowed).
/// </summary>
public sealed record OptimizerConfig : IValidatable
{
    /// <summary>Shared learning rate (vanilla LoRA: one rate for A and B).</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>Learning rate of every lora_A (default: <see cref="Lr"/>).</summary>
    public double? LrA { get; init; }
    /// <summary>Learning rate of every lora_B (default: <see cref="Lr"/>, or lr_A·λ with <see
    /// cref="LoraplusRatio"/>).</summary>
    public double? LrB { get; init; }
    /// <summary>λ = lr_B / lr_A (LoRA+; PEFT <c>loraplus_lr_ratio</c>). Exclusive with <see cref="LrB"/>.</summary>
    public double? LoraplusRatio { get; init; }
    /// <summary>Learning rate of other trainable parameters (a classifier head); default <see cref="Lr"/>.</summary>
    public double? LrOther { get; init; }
    public double WeightDecayA { get; init; } = 0.0;
    public double WeightDecayB { get; init; } = 0.0;
    public double WeightDecayOther { get; init; } = 0.0;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    /// <summary>False freezes every lora_A (one-sided training: the limit of Init[B] in the paper).</summary>
    public bool TrainA { get; init; } = true;
    /// <summary>False freezes every lora_B (LoRA-FA-like one-sided training).</summary>
    public bool TrainB { get; init; } = true;

    // Derived, not config: never serialized, so a resolved config holds exactly the keys a file may set.
    [JsonIgnore]
    public double EffectiveLrA => LrA ?? Lr;
    [JsonIgnore]
    public double EffectiveLrB => LrB ?? (LoraplusRatio is { } ratio ? EffectiveLrA * ratio : Lr);
    [JsonIgnore]
    public double EffectiveLrOther => LrOther ?? Lr;

    public IEnumerable<string> Validate()
    {
        (string, double?)[] rates =
            [("lr", Lr), ("lr_a", LrA), ("lr_b", LrB), ("lr_other", LrOther), ("loraplus_ratio", LoraplusRatio)];
        foreach (var (name, value) in rates)
            if (value is { } v && (!(v > 0) || double.IsInfinity(v)))
                yield return $"optim.{name} must be a positive finite number, got {v}";
        if (LrB is not null && LoraplusRatio is not null)
            yield return "optim.lr_b and optim.loraplus_ratio are exclusive: set one";
        foreach (var (name, wd) in new[] { ("weight_decay_a", WeightDecayA), ("weight_decay_b", WeightDecayB),
                                          ("weight_decay_other", WeightDecayOther) })
            if (!(wd >= 0)) yield return $"optim.{name} must be >= 0, got {wd}";
        if (!(Beta1 is >= 0 and < 1)) yield return $"optim.beta1 must be in [0, 1), got {Beta1}";
        if (!(Beta2 is >= 0 and < 1)) yield return $"optim.beta2 must be in [0, 1), got {Beta2}";
        if (!(Eps >= 0)) yield return $"optim.eps must be >= 0, got {Eps}";
        if (!TrainA && !TrainB)
            yield return "optim.train_a and optim.train_b are both false: nothing of LoRA would train";
    }
}
