namespace LoraLab.Experiments.Sweeps;

/// <summary>When a run started (UTC, ISO 8601) and how long it took. Machine-dependent: kept out of
/// summary.csv.</summary>
public sealed record RunTiming
{
    public string StartedUtc { get; init; } = "";
    /// <summary>For a packed run (<c>sweep run --pack</c>): the wall time of the whole pass.</summary>
    public double WallSeconds { get; init; }
    /// <summary>How many runs were trained in the same pass (1 = on its own).</summary>
    public int PackSize { get; init; } = 1;
}
