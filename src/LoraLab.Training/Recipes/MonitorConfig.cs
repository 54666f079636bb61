using LoraLab.IO.Config;

namespace LoraLab.Training.Recipes;

/// <summary>What a firing monitor does.</summary>
public enum MonitorAction
{
    /// <summary>Print a line and write an event to metrics.jsonl; keep training (a non-finite value still
    /// stops).</summary>
    Warn,
    /// <summary>End the run (status "stopped"; "diverged" for a non-finite value), keeping the current
    /// adapter.</summary>
    Stop,
    /// <summary>Go back to the newest checkpoint with every LR halved, at most <c>max_rollbacks</c> times; then
    /// stop.</summary>
    Rollback,
}

/// <summary>
/// The instability monitors of a finetune (config key <c>monitors</c>; docs/finetune.md). Per step: loss spike
/// (loss above <see cref="LossSpike"/> × the running median of the last <see cref="Window"/> losses), grad-norm spike
/// per group A / B / other (above <see cref="GradSpike"/> × that group's running median), non-finite loss, gradient
/// or weight (always on). Every <c>log_every</c> steps: RMS of Z_A = A·x (max over layers) above
/// <see cref="ZaGrowth"/> × its value <c>log_every</c> steps before (the paper's internal instability, growing
/// faster than a bound), and the update/weight ratio ‖Δ(B·A)‖ / ‖B·A‖ of one step above <see cref="UpdateRatio"/>
/// in any layer; the smoothed loss above <see cref="SmoothedLoss"/> × its minimum (the LR range test's stop, off by
/// default). Spike and growth monitors wait for <see cref="MinHistory"/> steps. A threshold of 0 turns one off.
/// </summary>
public sealed record MonitorConfig : IValidatable
{
    /// <summary>False: no monitors and no per-layer diagnostics at all (the NaN guard stays).</summary>
    public bool Enabled { get; init; } = true;
    public MonitorAction Action { get; init; } = MonitorAction.Warn;
    /// <summary>Rollbacks allowed per run before a firing monitor stops it.</summary>
    public int MaxRollbacks { get; init; } = 3;
    /// <summary>Running-median window, in steps.</summary>
    public int Window { get; init; } = 20;
    /// <summary>Steps seen before a spike or growth monitor may fire.</summary>
    public int MinHistory { get; init; } = 10;
    public double LossSpike { get; init; } = 3.0;
    public double GradSpike { get; init; } = 10.0;
    public double ZaGrowth { get; init; } = 4.0;
    public double UpdateRatio { get; init; } = 1.0;
    /// <summary>The LR range test's stop (fastai <c>LRFinder</c>, Lightning <c>LearningRateFinder</c>: 4): fires when
    /// the bias-corrected EMA of the train loss exceeds this × its lowest value so far (0 = off).</summary>
    public double SmoothedLoss { get; init; } = 0.0;
    /// <summary>β of that EMA: avg ← β·avg + (1 − β)·loss, smoothed = avg / (1 − β^t) (fastai's
    /// AvgSmoothLoss).</summary>
    public double Smoothing { get; init; } = 0.98;

    public IEnumerable<string> Validate()
    {
        if (MaxRollbacks < 0) yield return $"monitors.max_rollbacks must be >= 0, got {MaxRollbacks}";
        if (Window < 1) yield return $"monitors.window must be >= 1, got {Window}";
        if (MinHistory < 1) yield return $"monitors.min_history must be >= 1, got {MinHistory}";
        foreach (var (name, v) in new[] { ("loss_spike", LossSpike), ("grad_spike", GradSpike), ("za_growth", ZaGrowth),
                                          ("smoothed_loss", SmoothedLoss) })
            if (!(v == 0 || v > 1) || double.IsInfinity(v))
                yield return $"monitors.{name} must be 0 (off) or > 1, got {v}";
        if (!(UpdateRatio >= 0) || double.IsInfinity(UpdateRatio))
            yield return $"monitors.update_ratio must be >= 0 (0 = off), got {UpdateRatio}";
        if (!(Smoothing is >= 0 and < 1)) yield return $"monitors.smoothing must be in [0, 1), got {Smoothing}";
    }
}
