using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>One grid axis: a config key (dotted path, e.g. <c>lora.alpha</c>) and the values it takes, in spec order.</summary>
public sealed record GridAxis(string Key, IReadOnlyList<JsonNode?> Values);
