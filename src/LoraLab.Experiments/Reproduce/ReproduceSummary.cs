namespace LoraLab.Experiments.Reproduce;

/// <summary>summary.json of <c>loralab reproduce</c> (docs/protocol-width-sweep.md §7):
/// <c>width.&lt;readout&gt;.&lt;A|B&gt;</c>,
/// <c>rank.&lt;setting&gt;</c>, the grid-phase check, the seeds and the protocol's constants. No times: the same
/// seeds give the same bytes (times are in timing.json).</summary>
internal sealed record ReproduceSummary
{
    public string Schema { get; init; } = "loralab.reproduce/2";
    public long[] Seeds { get; init; } = [];
    public double EdgeResolution { get; init; }
    public double DivergenceFactor { get; init; }
    public int Steps { get; init; }
    public SortedDictionary<string, SortedDictionary<string, AxisSlopes>> Width { get; init; } =
        new(StringComparer.Ordinal);
    public int RankWidth { get; init; }
    public SortedDictionary<string, AxisSlopes> Rank { get; init; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, PhaseCheck> PhaseCheck { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>The same width analysis on the search lattice shifted by half a step: its slopes, and whether each lies
/// inside the unshifted slope's 95 % interval.</summary>
internal sealed record PhaseCheck(double? EdgeSlope, double? EtaStarSlope, bool EdgeAgrees, bool EtaStarAgrees);
