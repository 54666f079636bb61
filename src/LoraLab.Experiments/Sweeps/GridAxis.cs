using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>One grid axis: a config key (dotted path, e.g. <c>lora.alpha</c>) and the values it takes, in spec order.
/// A <i>compound</i> axis (values are objects with a <c>name</c>, e.g. <c>"setting": [{"name": "a-rslora", "init": "a",
/// "scaling": "alpha-over-sqrt-r"}]</c>) is a label, not a config key: its points hold the name, and each name sets
/// the keys of its object (<see cref="Settings"/>).</summary>
public sealed record GridAxis(string Key, IReadOnlyList<JsonNode?> Values,
                              IReadOnlyDictionary<string, JsonObject>? Settings = null)
{
    public bool Compound => Settings is not null;
}
