using System.Text.Json.Serialization;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>One readout: both init arms and the ratio of their LRs per width.</summary>
public sealed record ReadoutSummary(
    [property: JsonPropertyName("A")] ArmSummary A,
    [property: JsonPropertyName("B")] ArmSummary B,
    SortedDictionary<int, double?> RatioOptimalLr,
    SortedDictionary<int, double?> RatioMaxStableLr);
