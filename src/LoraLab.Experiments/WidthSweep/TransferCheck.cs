namespace LoraLab.Experiments.WidthSweep;

/// <summary>η* at the largest width predicted from a power-law fit on the smaller widths, vs measured.</summary>
public sealed record TransferCheck(int[] FitWidths, int TargetWidth, double PredictedLr, double? MeasuredLr, double? MeasuredOverPredicted);
