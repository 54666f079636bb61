namespace LoraLab.Experiments.WidthSweep;

/// <summary>Every run of a sweep, with its init arm, and the batch timings.</summary>
public sealed record SweepRuns(IReadOnlyList<(InitArm Arm, ToyRunResult Run)> Runs, IReadOnlyList<BatchTiming> Timings, int GridExtensions);
