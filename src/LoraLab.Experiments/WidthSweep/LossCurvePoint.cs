namespace LoraLab.Experiments.WidthSweep;

/// <summary>One LR of a loss-vs-LR curve: geometric means over the seeds that did not diverge.</summary>
public sealed record LossCurvePoint(double Lr, double? RelTrain, double? RelTest, int DivergedSeeds, int Seeds);
