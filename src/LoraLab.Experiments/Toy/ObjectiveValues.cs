using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>Loss and diagnostics (null when not asked for) of K configurations at one point, each (K,)
/// float64.</summary>
internal sealed record ObjectiveValues(Tensor Loss, Tensor? RmsZa, Tensor? RmsZb);
