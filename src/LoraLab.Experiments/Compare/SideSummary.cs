namespace LoraLab.Experiments.Compare;

/// <summary>One side (baseline or candidate) within one group: its LR curve, best LR, mean and t-interval over seeds
/// at that LR, and the LR band within 1% of its best (in decades).</summary>
internal sealed record SideSummary(
    string Selector,
    IReadOnlyList<LrPoint> Curve,
    double? BestLr,
    Interval? AtBest,
    double? BandLow,
    double? BandHigh,
    double? BandDecades,
    int Diverged,
    int Failed);
