using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Core.Adapters;

/// <summary>
/// Reads and writes <see cref="AdapterConfigJson"/>. Writing: snake_case keys sorted at every level, indent 2, nulls
/// written (PEFT's <c>json.dumps(output_dict, indent=2, sort_keys=True)</c>). Reading: a one-line
/// <see cref="LoraLabException"/> (<see cref="ExitCodes.BadInput"/>) for malformed JSON, a missing or non-LORA
/// <c>peft_type</c>, a missing <c>r</c>/<c>lora_alpha</c>, a mistyped known key or an invalid value.
/// </summary>
internal static class AdapterConfigJsonFile
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static readonly string[] Required = ["peft_type", "r", "lora_alpha"];
    static readonly HashSet<string> KnownKeys = [.. ModelledKeys(new AdapterConfigJson { Loralab = new() })];
    static readonly HashSet<string> KnownExtrasKeys = [.. ModelledKeys(new LoralabAdapterExtras())];

    public static string ToJson(AdapterConfigJson config)
    {
        var root = JsonSerializer.SerializeToNode(config, Options)!.AsObject();
        AddMissing(root, config.OtherKeys);
        if (root["loralab"] is JsonObject extras) AddMissing(extras, config.Loralab?.Extra);
        return Sorted(root)!.ToJsonString(Options);
    }

    /// <summary>Writes <paramref name="directory"/>/adapter_config.json (temp file + rename).</summary>
    public static string Save(string directory, AdapterConfigJson config)
    {
        var path = Path.Combine(directory, AdapterConfigJson.FileName);
        AtomicFile.WriteAllText(path, ToJson(config));
        return path;
    }

    /// <summary>Reads a file, or adapter_config.json inside a directory.</summary>
    public static AdapterConfigJson Load(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, AdapterConfigJson.FileName);
        if (!File.Exists(path)) throw new LoraLabException($"{path}: file not found", ExitCodes.BadInput);
        return Parse(File.ReadAllText(path), path);
    }

    public static AdapterConfigJson Parse(string json, string source)
    {
        var root = ParseObject(json, source);
        foreach (var key in Required)
        {
            if (!root.ContainsKey(key) || root[key] is null)
                throw Fail(source, $"missing '{key}' (not a PEFT LoRA adapter_config.json?)");
        }
        if (root["peft_type"] is not JsonValue type || !type.TryGetValue<string>(out var peftType)
            || peftType != "LORA")
            throw Fail(source,
                $"peft_type is {root["peft_type"]!.ToJsonString()}, only \"LORA\" adapters are supported");
        AdapterConfigJson config;
        try
        {
            config = root.Deserialize<AdapterConfigJson>(Options)!;
        }
        catch (JsonException ex)
        {
            var at = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
            throw Fail(source, $"bad value at '{(at.Length == 0 ? "(root)" : at)}': {FirstSentence(ex.Message)}", ex);
        }
        config = config with
        {
            OtherKeys = Unmodelled(root, KnownKeys),
            Loralab = config.Loralab is null ? null
                : config.Loralab with { Extra = Unmodelled(root["loralab"]!.AsObject(), KnownExtrasKeys) },
        };
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw Fail(source, $"invalid adapter config: {string.Join("; ", problems)}");
        return config;
    }

    static JsonObject ParseObject(string json, string source)
    {
        try
        {
            var options = new JsonDocumentOptions { AllowDuplicateProperties = false };
            var node = ConfigLoader.ParseNode(json, options, source, ExitCodes.BadInput);
            return node as JsonObject ?? throw Fail(source, "expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw Fail(source, $"malformed JSON: {FirstSentence(ex.Message)}", ex);
        }
    }

    static IEnumerable<string> ModelledKeys<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Options)!.AsObject().Select(p => p.Key);

    /// <summary>The keys of <paramref name="obj"/> no property models (null when none), deep-copied.</summary>
    static JsonObject? Unmodelled(JsonObject obj, HashSet<string> known)
    {
        var extra = obj.Where(p => !known.Contains(p.Key)).ToList();
        return extra.Count == 0 ? null
            : new JsonObject(extra.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
    }

    /// <summary>Adds the free-form keys a modelled property does not already write.</summary>
    static void AddMissing(JsonObject target, JsonObject? extra)
    {
        foreach (var (key, value) in extra ?? [])
        {
            if (!target.ContainsKey(key)) target[key] = value?.DeepClone();
        }
    }

    /// <summary>A deep copy with object keys in ordinal order (Python's sort_keys=True).</summary>
    static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    static LoraLabException Fail(string source, string problem, Exception? inner = null) =>
        new($"{source}: {problem}", ExitCodes.BadInput, inner);

    static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).ReplaceLineEndings(" ").Trim();
    }
}
