using LoraLab.Core.Config;

namespace LoraLab.Training.Optim;

/// <summary>
/// The LR multiplier as a pure function of the step: linear warmup from 1/(warmup_steps) to 1 over
/// <see cref="WarmupSteps"/> steps, then <see cref="Decay"/> towards <see cref="MinLrRatio"/> at the last step.
/// The optimizer multiplies each group's base LR by <see cref="Factor"/> (so LoRA+'s λ = lr_B/lr_A is kept).
/// Step indices are 0-based; step s in [0, total_steps).
/// </summary>
public sealed record LrSchedule : IValidatable
{
    public int WarmupSteps { get; init; } = 0;
    public LrDecay Decay { get; init; } = LrDecay.Linear;
    /// <summary>Final LR as a fraction of the peak (0 = decay to zero).</summary>
    public double MinLrRatio { get; init; } = 0.0;

    /// <summary>Multiplier of the base LR at 0-based <paramref name="step"/> of a run of <paramref name="totalSteps"/> steps.</summary>
    public double Factor(int step, int totalSteps)
    {
        if (step < WarmupSteps) return (step + 1.0) / WarmupSteps;                     // 1/w, 2/w, ..., 1
        var decaySteps = totalSteps - WarmupSteps;
        if (Decay == LrDecay.Constant || decaySteps <= 1) return 1.0;
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / (decaySteps - 1)); // 0 at the peak, 1 at the last step
        var shape = Decay switch
        {
            LrDecay.Linear => 1.0 - progress,
            LrDecay.Cosine => 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
            LrDecay.Constant => 1.0,
        };
        return MinLrRatio + (1.0 - MinLrRatio) * shape;
    }

    public IEnumerable<string> Validate()
    {
        if (WarmupSteps < 0) yield return $"schedule.warmup_steps must be >= 0, got {WarmupSteps}";
        if (!(MinLrRatio is >= 0 and <= 1)) yield return $"schedule.min_lr_ratio must be in [0, 1], got {MinLrRatio}";
    }
}
