using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LoraLab.Core.Adapters;

/// <summary>
/// What PEFT's schema cannot say, under the one namespaced key <c>"loralab"</c> of adapter_config.json: our exact
/// init scheme (PEFT gets its closest value in <c>init_lora_weights</c>), its scale, the per-factor learning rates
/// and the seed. PEFT drops unknown keys on load (with a warning), so the file still loads there.
/// </summary>
public sealed record LoralabAdapterExtras
{
    /// <summary>Our init scheme as in LoraConfig JSON ("a", "b", "gaussian-a", ...).</summary>
    public string? Init { get; init; }
    public double? InitStd { get; init; }
    public double? InitGain { get; init; }
    public double? LrA { get; init; }
    public double? LrB { get; init; }
    public long? Seed { get; init; }

    /// <summary>Anything else (free-form; kept on read and written back).</summary>
    [JsonIgnore]
    public JsonObject? Extra { get; init; }
}
