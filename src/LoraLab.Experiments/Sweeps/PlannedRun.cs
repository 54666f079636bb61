using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>One run of a plan: its position in plan order, its id, its grid point (axis key → value, axis order)
/// and its resolved config (defaults filled in, execution-only keys such as threads removed).</summary>
public sealed record PlannedRun(int Index, string Id, JsonObject Point, JsonObject Config)
{
    /// <summary>The value of a config key (dotted path) as plain text, or null when absent.</summary>
    public string? Value(string dottedKey)
    {
        JsonNode? node = Config;
        foreach (var part in dottedKey.Split('.'))
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
        return node is null ? null : CanonicalJson.ScalarText(node);
    }
}
