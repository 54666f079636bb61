namespace LoraLab.Experiments.WidthSweep;

/// <summary>Outcome of one toy run.</summary>
public enum ToyRunStatus
{
    Ok,
    /// <summary>Train loss non-finite or above divergence_factor × initial at any step or after the last.</summary>
    Diverged,
}

/// <summary>
/// One toy run's result. Per-step arrays have one entry per step, measured before that step's update; entries after
/// a runaway stop are NaN. Z_A = A·h (r per point), Z_B = s·B·A·h (n per point); RMS over points and coordinates.
/// ‖ΔW‖ = ‖s·B·A‖_F; gradient norms are Frobenius norms of ∂L/∂A, ∂L/∂B.
/// </summary>
public sealed record ToyRunResult(
    ToyRunConfig Config,
    ToyRunStatus Status,
    double InitialLoss,
    double InitialTestLoss,
    double FinalTrainLoss,
    double FinalTestLoss,
    int? StoppedAtStep,
    double[] Loss,
    double[] RmsZa,
    double[] RmsZb,
    double[] DeltaWNorm,
    double[] GradNormA,
    double[] GradNormB)
{
    public bool Diverged => Status == ToyRunStatus.Diverged;

    /// <summary>Final train loss / initial train loss (NaN when diverged).</summary>
    public double RelativeFinalLoss => Diverged ? double.NaN : FinalTrainLoss / InitialLoss;
}
