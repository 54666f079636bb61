namespace LoraLab.Experiments.WidthSweep;

/// <summary>timing.json: wall time and per-batch step times. Kept out of summary.json so that summary.json is
/// identical for the same seed.</summary>
public sealed record WidthSweepTiming(double WallSeconds, double SweepSeconds, int Workers, int ProcessorCount,
    double? LoadAverage1MinAtStart, IReadOnlyList<BatchTiming> Batches, SortedDictionary<int, double> MedianMsPerStepByWidth);
