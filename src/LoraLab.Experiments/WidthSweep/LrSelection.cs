namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// η* and the max stable LR of one (readout, init, width) from its runs over LRs × seeds.
/// <see cref="OptimalLr"/> is the parabola-refined η* (in log LR, between the grid neighbours), <see cref="OptimalLrGrid"/>
/// the grid argmin; both null when every LR diverged for some seed.
/// </summary>
public sealed record LrSelection(
    double? OptimalLr, double? OptimalLrGrid, double? MaxStableLr, bool Bracketed, bool MaxStableBracketed,
    bool BarelyLearns, double? BestRelTrain, double? BestRelTest, bool AtGridBottom, bool AtGridTop);
