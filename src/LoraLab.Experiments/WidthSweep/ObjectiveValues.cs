using static TorchSharp.torch;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>Loss and diagnostics of K configurations at one point, each (K,) float64.</summary>
internal sealed record ObjectiveValues(Tensor Loss, Tensor RmsZa, Tensor RmsZb);
