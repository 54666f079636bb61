namespace LoraLab.Experiments.Toy;

/// <summary>
/// One toy run's result. Per-step arrays have one entry per step, measured before that step's update; a diverged run
/// stops at the step where it diverged (<see cref="StoppedAtStep"/>), and later entries are NaN.
/// Z_A = A·h (r per point), Z_B = s·B·A·h (n per point); RMS over points and coordinates.
/// ‖ΔW‖ = ‖s·B·A‖_F; gradient norms are Frobenius norms of ∂L/∂A, ∂L/∂B.
/// </summary>
internal sealed record ToyRunResult(
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
