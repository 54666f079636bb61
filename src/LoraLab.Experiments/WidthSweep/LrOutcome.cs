namespace LoraLab.Experiments.WidthSweep;

/// <summary>One run's outcome as the LR selection sees it (losses relative to the run's initial train loss).</summary>
public sealed record LrOutcome(double Lr, long Seed, bool Diverged, double RelTrain, double RelTest);
