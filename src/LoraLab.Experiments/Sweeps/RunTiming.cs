namespace LoraLab.Experiments.Sweeps;

/// <summary>When a run started (UTC, ISO 8601) and how long it took. Machine-dependent: kept out of summary.csv.</summary>
public sealed record RunTiming
{
    public string StartedUtc { get; init; } = "";
    public double WallSeconds { get; init; }
}
