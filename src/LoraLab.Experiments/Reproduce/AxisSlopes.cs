namespace LoraLab.Experiments.Reproduce;

/// <summary>
/// One cell of summary.json (<c>width.&lt;readout&gt;.&lt;init&gt;</c> or <c>rank.&lt;setting&gt;</c>): the slope of
/// log edge and of log η* on log n (or log r), each the mean of per-seed OLS slopes with a Student-t 95 % interval
/// over the seeds, the between-seed spread, the per-seed slopes, the measured edges and η* per axis value (one entry
/// per seed, seed order), and how many η* were flagged (at the stability edge, clamped, ...), by reason.
/// Schema: docs/protocol-width-sweep.md §7.
/// </summary>
internal sealed record AxisSlopes
{
    public double? EdgeSlope { get; init; }
    public double[]? EdgeSlopeCi95 { get; init; }
    public double? EtaStarSlope { get; init; }
    public double[]? EtaStarSlopeCi95 { get; init; }
    public int Seeds { get; init; }
    /// <summary>Unstable / stable probe at the end of the bisection (the lattice factor).</summary>
    public double EdgeResolution { get; init; }
    /// <summary>The theory's exponent for the width axis (edge and η*), or the paper's η* prediction for the rank
    /// axis.</summary>
    public double? TheorySlope { get; init; }
    public double? PredictedSlope { get; init; }
    public double? EdgeSlopeSpread { get; init; }
    public double? EtaStarSlopeSpread { get; init; }
    public double[] EdgeSlopePerSeed { get; init; } = [];
    public double[] EtaStarSlopePerSeed { get; init; } = [];
    public SortedDictionary<int, double?[]> Edges { get; init; } = new();
    public SortedDictionary<int, double?[]> EtaStar { get; init; } = new();
    public SortedDictionary<string, int> EtaStarFlags { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Grid points whose search gave no result, with the reason (left out of the fits).</summary>
    public SortedDictionary<string, int> Failures { get; init; } = new(StringComparer.Ordinal);
}
