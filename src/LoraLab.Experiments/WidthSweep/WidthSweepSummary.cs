using System.Text.Json.Serialization;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>summary.json of <c>loralab reproduce</c> (fields documented in docs/protocol-width-sweep.md §7). Holds no
/// wall time, so the same seed gives an identical file; timings go to timing.json.</summary>
public sealed record WidthSweepSummary(
    string Schema, WidthSweepConfig Protocol, int[] Widths, long[] Seeds, int GridExtensions,
    SortedDictionary<string, ReadoutSummary> Readouts);

/// <summary>One readout: both init arms and the ratio of their LRs per width.</summary>
public sealed record ReadoutSummary(
    [property: JsonPropertyName("A")] ArmSummary A,
    [property: JsonPropertyName("B")] ArmSummary B,
    SortedDictionary<int, double?> RatioOptimalLr,
    SortedDictionary<int, double?> RatioMaxStableLr);

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

/// <summary>One LR of a loss-vs-LR curve: geometric means over the seeds that did not diverge.</summary>
public sealed record LossCurvePoint(double Lr, double? RelTrain, double? RelTest, int DivergedSeeds, int Seeds);

/// <summary>η* at the largest width predicted from a power-law fit on the smaller widths, vs measured.</summary>
public sealed record TransferCheck(int[] FitWidths, int TargetWidth, double PredictedLr, double? MeasuredLr, double? MeasuredOverPredicted);

/// <summary>Per-step series of one run (before each update).</summary>
public sealed record Trajectory(double Lr, long Seed, double[] Loss, double[] RmsZa, double[] RmsZb, double[] DeltaWNorm, double[] GradNormA, double[] GradNormB);
