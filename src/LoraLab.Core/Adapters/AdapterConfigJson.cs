using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LoraLab.Core.Adapters;

/// <summary>
/// PEFT's <c>adapter_config.json</c> for a LoRA adapter (docs/reference/anchors.md §1.6; PEFT
/// <c>LoraConfig.to_dict</c>). Written like PEFT writes it (<c>json.dumps(indent=2, sort_keys=True)</c>); read like
/// PEFT reads it: unknown keys are tolerated (kept in <see cref="OtherKeys"/> and written back), but <c>peft_type</c>
/// must be "LORA" and <c>r</c> and <c>lora_alpha</c> must be present. Our own extras live under the single key
/// <c>"loralab"</c>. Read/write: <see cref="AdapterConfigJsonFile"/>.
/// </summary>
public sealed record AdapterConfigJson
{
    public const string FileName = "adapter_config.json";

    public string PeftType { get; init; } = "LORA";
    /// <summary>"CAUSAL_LM", "SEQ_CLS", ... or null.</summary>
    public string? TaskType { get; init; }
    public string? BaseModelNameOrPath { get; init; }
    public string? Revision { get; init; }
    /// <summary>PEFT sets this to true when it saves a trained adapter.</summary>
    public bool InferenceMode { get; init; } = true;
    public int R { get; init; } = 8;
    public double LoraAlpha { get; init; } = 8;
    public double LoraDropout { get; init; }
    public PeftTargetModules? TargetModules { get; init; }
    public PeftTargetModules? ExcludeModules { get; init; }
    /// <summary>True for layers storing (in, out) weights, e.g. GPT-2's Conv1D.</summary>
    public bool FanInFanOut { get; init; }
    /// <summary>"none", "all" or "lora_only".</summary>
    public string Bias { get; init; } = "none";
    public bool UseRslora { get; init; }
    public IReadOnlyList<string>? ModulesToSave { get; init; }
    /// <summary>true, false or a PEFT init name ("gaussian", "pissa", "olora", "orthogonal", ...): see
    /// <see cref="PeftInitValue"/>.</summary>
    public JsonNode? InitLoraWeights { get; init; } = JsonValue.Create(true);
    /// <summary>null, an int or a list of ints.</summary>
    public JsonNode? LayersToTransform { get; init; }
    /// <summary>null, a string or a list of strings.</summary>
    public JsonNode? LayersPattern { get; init; }
    public IReadOnlyDictionary<string, int> RankPattern { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, double> AlphaPattern { get; init; } = new Dictionary<string, double>();
    public bool UseDora { get; init; }
    public bool LoraBias { get; init; }
    public string? PeftVersion { get; init; }
    public JsonNode? AutoMapping { get; init; }

    /// <summary>Our extras (exact init scheme, learning rates, seed); null when absent (then not written).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LoralabAdapterExtras? Loralab { get; init; }

    /// <summary>PEFT keys this record does not model (corda_config, target_parameters, ...): kept, written
    /// back.</summary>
    [JsonIgnore]
    public JsonObject? OtherKeys { get; init; }

    /// <summary>Every problem, each a short phrase naming the key.</summary>
    public IEnumerable<string> Validate()
    {
        if (PeftType != "LORA") yield return $"peft_type is '{PeftType}', expected 'LORA'";
        if (R < 1) yield return $"r must be >= 1, got {R}";
        if (!double.IsFinite(LoraAlpha)) yield return $"lora_alpha must be a finite number, got {LoraAlpha}";
        if (!(LoraDropout is >= 0 and < 1)) yield return $"lora_dropout must be in [0, 1), got {LoraDropout}";
        if (Bias is not ("none" or "all" or "lora_only"))
            yield return $"bias must be 'none', 'all' or 'lora_only', got '{Bias}'";
        if (InitLoraWeights is not JsonValue v || !(v.TryGetValue<bool>(out _) || v.TryGetValue<string>(out _)))
            yield return $"init_lora_weights must be true, false or a string, " +
                $"got {InitLoraWeights?.ToJsonString() ?? "null"}";
        foreach (var (key, rank) in RankPattern)
        {
            if (rank < 1) yield return $"rank_pattern['{key}'] must be >= 1, got {rank}";
        }
    }
}
