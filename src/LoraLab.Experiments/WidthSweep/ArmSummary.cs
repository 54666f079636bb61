namespace LoraLab.Experiments.WidthSweep;

/// <summary>One (readout, init) cell of the sweep. LR maps are keyed by width; null = not determined.</summary>
public sealed record ArmSummary
{
    public required string Scheme { get; init; }
    /// <summary>γ-calculus prediction for the exponent of the max stable LR in n (docs §3).</summary>
    public required double TheorySlope { get; init; }
    public required SortedDictionary<int, double?> OptimalLr { get; init; }
    public required SortedDictionary<int, double?> OptimalLrGrid { get; init; }
    public required SortedDictionary<int, double?> MaxStableLr { get; init; }
    public double? Slope { get; init; }
    public double[]? SlopeCi95 { get; init; }
    public double? MaxStableSlope { get; init; }
    public double[]? MaxStableSlopeCi95 { get; init; }
    /// <summary>RMS of Z_A = A·h and Z_B = s·B·A·h at the last step of the run at η* (grid), geometric mean over seeds.</summary>
    public required SortedDictionary<int, double?> RmsZa { get; init; }
    public required SortedDictionary<int, double?> RmsZb { get; init; }
    /// <summary>Largest per-step RMS of Z_B during the run at η* (grid), geometric mean over seeds.</summary>
    public required SortedDictionary<int, double?> RmsZbPeak { get; init; }
    /// <summary>Final/initial train and test loss at η* (grid), geometric mean over seeds.</summary>
    public required SortedDictionary<int, double?> RelTrainLossAtOptimum { get; init; }
    public required SortedDictionary<int, double?> RelTestLossAtOptimum { get; init; }
    /// <summary>Widths left out of both fits, with the reason.</summary>
    public required SortedDictionary<int, string> WidthsLeftOut { get; init; }
    /// <summary>Widths whose η* is at an edge of the LRs tried (not bracketed), and whose max stable LR is the largest LR tried.</summary>
    public required int[] UnbracketedWidths { get; init; }
    public required int[] MaxStableUnbracketedWidths { get; init; }
    public required int Runs { get; init; }
    public required int DivergedRuns { get; init; }
    public required double DivergedFraction { get; init; }
    public TransferCheck? Transfer { get; init; }
    public required SortedDictionary<int, LossCurvePoint[]> LossVsLr { get; init; }
    /// <summary>Per-step diagnostics at η* (grid) for the smallest and largest width, first seed.</summary>
    public required SortedDictionary<int, Trajectory> Trajectories { get; init; }
}
