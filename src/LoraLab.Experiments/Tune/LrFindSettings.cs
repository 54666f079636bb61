using LoraLab.IO.Config;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// The LR range test (Smith 2017, "Cyclical learning rates", §3.3): per init, one short run whose LR rises
/// exponentially from <see cref="MinLr"/> to <see cref="MaxLr"/> over <see cref="Steps"/> steps (Lightning's
/// <c>LearningRateFinder</c> defaults: 100 steps, early stop at 4 × the best smoothed loss; fastai's EMA 0.98 with
/// bias correction), stopped when the smoothed loss passes <see cref="StopFactor"/> × its minimum.
/// </summary>
public sealed record LrFindSettings : IValidatable
{
    public int Steps { get; init; } = 100;
    public double MinLr { get; init; } = 1e-6;
    public double MaxLr { get; init; } = 1.0;
    public double StopFactor { get; init; } = 4.0;
    public double Smoothing { get; init; } = 0.98;
    /// <summary>Values of lora.init, one ramp each.</summary>
    public List<string> Inits { get; init; } = ["a", "b"];

    public IEnumerable<string> Validate()
    {
        if (Steps < 10) yield return $"lr_find.steps must be >= 10, got {Steps}";
        if (!(MinLr > 0 && MaxLr > MinLr) || double.IsInfinity(MaxLr))
            yield return $"lr_find: 0 < min_lr < max_lr must hold, got {MinLr}, {MaxLr}";
        if (!(StopFactor > 1) || double.IsInfinity(StopFactor))
            yield return $"lr_find.stop_factor must be > 1, got {StopFactor}";
        if (!(Smoothing is >= 0 and < 1)) yield return $"lr_find.smoothing must be in [0, 1), got {Smoothing}";
        if (Inits.Count == 0 || Inits.Distinct().Count() != Inits.Count)
            yield return "lr_find.inits must list lora.init values, each once";
    }
}
