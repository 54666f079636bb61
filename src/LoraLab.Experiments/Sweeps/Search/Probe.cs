namespace LoraLab.Experiments.Sweeps;

/// <summary>What a search knows about one lattice point: stable (status ok) with the metric, unstable (diverged),
/// or failed (the run threw; the search of that grid point stops and says so).</summary>
internal sealed record Probe(bool Stable, double Metric, bool Failed = false)
{
    public static readonly Probe Unstable = new(false, double.PositiveInfinity);

    /// <summary>The optimum's score: log of the metric; +∞ when unstable or the metric is not a positive
    /// number.</summary>
    public double Score => Stable && Metric > 0 && double.IsFinite(Metric) ? Math.Log(Metric) : double.PositiveInfinity;
}
