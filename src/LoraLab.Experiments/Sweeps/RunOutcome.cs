namespace LoraLab.Experiments.Sweeps;

/// <summary>What a finished run produced: ok or diverged, scalar metrics and per-step curves (e.g. loss,
/// rms_za).</summary>
public sealed record RunOutcome(
    RunStatus Status,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double[]> Curves);
