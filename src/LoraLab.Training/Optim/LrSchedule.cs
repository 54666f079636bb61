using LoraLab.IO.Config;

namespace LoraLab.Training.Optim;

/// <summary>
/// The LR multiplier as a pure function of the step: linear warmup from 1/(warmup_steps) to 1 over
/// <see cref="WarmupSteps"/> steps (nanoGPT's (it+1)/warmup: no step at LR 0), then <see cref="Decay"/> towards
/// <see cref="MinLrRatio"/>, reached just after the last step (HF get_linear/cosine_schedule_with_warmup).
/// The optimizer multiplies each group's base LR by <see cref="Factor"/> (so LoRA+'s λ = lr_B/lr_A is kept).
/// Step indices are 0-based; step s in [0, total_steps). <see cref="LrDecay.RangeTest"/> replaces all of this by
/// the LR range test's exponential ramp from min_lr_ratio·lr to lr.
/// </summary>
public sealed record LrSchedule : IValidatable
{
    public int WarmupSteps { get; init; } = 0;
    public LrDecay Decay { get; init; } = LrDecay.Linear;
    /// <summary>Final LR as a fraction of the peak (0 = decay to zero).</summary>
    public double MinLrRatio { get; init; } = 0.0;

    /// <summary>Multiplier of the base LR at 0-based <paramref name="step"/> of a run of <paramref name="totalSteps"/>
    /// steps.</summary>
    public double Factor(int step, int totalSteps)
    {
        if (Decay == LrDecay.RangeTest) return Math.Pow(MinLrRatio, 1.0 - (double)step / totalSteps);
        if (step < WarmupSteps) return (step + 1.0) / WarmupSteps;                     // 1/w, 2/w, ..., 1
        var decaySteps = totalSteps - WarmupSteps;
        if (Decay == LrDecay.Constant || decaySteps <= 0) return 1.0;
        // 0 at the peak; (n−1)/n at the last step, so no step runs at the final LR of exactly 0 (HF's convention)
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        var shape = Decay switch
        {
            LrDecay.Linear => 1.0 - progress,
            LrDecay.Cosine => 0.5 * (1.0 + Math.Cos(Math.PI * progress)),
            LrDecay.Constant or LrDecay.RangeTest => 1.0,
        };
        return MinLrRatio + (1.0 - MinLrRatio) * shape;
    }

    public IEnumerable<string> Validate()
    {
        if (WarmupSteps < 0) yield return $"schedule.warmup_steps must be >= 0, got {WarmupSteps}";
        if (!(MinLrRatio is >= 0 and <= 1)) yield return $"schedule.min_lr_ratio must be in [0, 1], got {MinLrRatio}";
        if (Decay == LrDecay.RangeTest && !(MinLrRatio > 0))
            yield return "schedule.decay range-test ramps up from min_lr_ratio x lr: min_lr_ratio must be > 0";
        if (Decay == LrDecay.RangeTest && WarmupSteps > 0)
            yield return "schedule.decay range-test is its own ramp: set schedule.warmup_steps to 0";
    }
}
