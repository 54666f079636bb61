using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>Loss and diagnostics of K configurations at one point, each (K,) float64.</summary>
internal sealed record ObjectiveValues(Tensor Loss, Tensor RmsZa, Tensor RmsZb);
