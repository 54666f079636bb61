namespace LoraLab.Experiments.WidthSweep;

/// <summary>The two arms of the comparison: Init[A] (A random, B = 0) and Init[B] (A = 0, B random).</summary>
public enum InitArm
{
    A,
    B,
}
