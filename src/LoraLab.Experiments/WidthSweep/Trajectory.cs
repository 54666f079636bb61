namespace LoraLab.Experiments.WidthSweep;

/// <summary>Per-step series of one run (before each update).</summary>
public sealed record Trajectory(double Lr, long Seed, double[] Loss, double[] RmsZa, double[] RmsZb, double[] DeltaWNorm, double[] GradNormA, double[] GradNormB);
