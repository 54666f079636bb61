namespace LoraLab.Experiments.WidthSweep;

/// <summary>summary.json of <c>loralab reproduce</c> (fields documented in docs/protocol-width-sweep.md §7). Holds no
/// wall time, so the same seed gives an identical file; timings go to timing.json.</summary>
public sealed record WidthSweepSummary(
    string Schema, WidthSweepConfig Protocol, int[] Widths, long[] Seeds, int GridExtensions,
    SortedDictionary<string, ReadoutSummary> Readouts);

