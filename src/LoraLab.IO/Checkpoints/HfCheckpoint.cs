using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO.Safetensors;
using static TorchSharp.torch;

namespace LoraLab.IO.Checkpoints;

/// <summary>
/// The Hugging Face model-folder layout shared by all our HF readers/writers: <c>config.json</c> plus either
/// <c>model.safetensors</c> or shards <c>model-0000i-of-0000n.safetensors</c> listed by
/// <c>model.safetensors.index.json</c> (<c>{"metadata": {"total_size": n}, "weight_map": {tensor: file}}</c>,
/// transformers modeling_utils / huggingface_hub split_torch_state_dict_into_shards).
/// </summary>
public static class HfCheckpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";
    private static readonly Dictionary<string, string> PtMetadata = new() { ["format"] = "pt" };

    public static JsonObject ReadConfig(string dir)
    {
        var path = Path.Combine(dir, ConfigFile);
        if (!File.Exists(path)) throw new LoraLabException($"{dir}: no {ConfigFile} (not a Hugging Face model folder)");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new LoraLabException($"{path}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new LoraLabException($"{path}: invalid JSON: {ex.Message}", ExitCodes.BadInput, ex);
        }
    }

    /// <summary>A required config value; a missing key or a wrong type is a one-line error naming the file.</summary>
    public static T Required<T>(JsonObject config, string key, string dir) =>
        config[key] is { } node ? Convert<T>(node, key, dir)
            : throw new LoraLabException($"{Path.Combine(dir, ConfigFile)}: missing \"{key}\"");

    /// <summary>An optional config value: <paramref name="fallback"/> when the key is absent or null.</summary>
    public static T Optional<T>(JsonObject config, string key, string dir, T fallback) =>
        config[key] is { } node ? Convert<T>(node, key, dir) : fallback;

    private static T Convert<T>(JsonNode node, string key, string dir)
    {
        try { return node.GetValue<T>(); }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new LoraLabException($"{Path.Combine(dir, ConfigFile)}: \"{key}\" is {node.ToJsonString()}, " +
                                       $"expected {typeof(T).Name}");
        }
    }

    /// <summary>All tensors of the folder: the single file, or every shard named by the index.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string dir)
    {
        var single = Path.Combine(dir, WeightsFile);
        if (File.Exists(single)) return SafetensorsFile.Load(single);
        var indexPath = Path.Combine(dir, IndexFile);
        if (!File.Exists(indexPath)) throw new LoraLabException($"{dir}: neither {WeightsFile} nor {IndexFile}");
        var weightMap = ReadWeightMap(indexPath);
        var all = new Dictionary<string, Tensor>();
        foreach (var shard in weightMap.Values.Distinct())
        {
            var tensors = SafetensorsFile.Load(Path.Combine(dir, shard));
            foreach (var (name, file) in weightMap.Where(kv => kv.Value == shard))
                all[name] = tensors.GetValueOrDefault(name)
                            ?? throw new LoraLabException($"{indexPath}: maps {name} to {shard}, " +
                                                          "which has no such tensor");
            if (tensors.Keys.FirstOrDefault(k => !weightMap.ContainsKey(k)) is { } stray)
                throw new LoraLabException($"{Path.Combine(dir, shard)}: tensor {stray} is not in {IndexFile}");
        }
        return all;
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            var map = (JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject)?["weight_map"] as JsonObject
                      ?? throw new LoraLabException($"{indexPath}: no \"weight_map\" object");
            return map.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>()
                ?? throw new LoraLabException($"{indexPath}: weight_map[{kv.Key}] is null"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new LoraLabException($"{indexPath}: invalid index: {ex.Message}", ExitCodes.BadInput, ex);
        }
    }

    /// <summary>
    /// Writes config.json and the weights: one <c>model.safetensors</c>, or, when <paramref name="shardMaxBytes"/> is
    /// given and exceeded, shards filled in key order (a tensor bigger than the limit gets a shard of its own) plus the
    /// index.
    /// </summary>
    public static void Write(string dir, JsonObject config, IReadOnlyDictionary<string, Tensor> tensors,
                             long? shardMaxBytes)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ConfigFile),
                          config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var shards = Shard(tensors, shardMaxBytes ?? long.MaxValue);
        if (shards.Count == 1)
        {
            SafetensorsFile.Save(Path.Combine(dir, WeightsFile), shards[0], PtMetadata);
            return;
        }
        var weightMap = new JsonObject();
        for (var i = 0; i < shards.Count; i++)
        {
            var file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafetensorsFile.Save(Path.Combine(dir, file), shards[i], PtMetadata);
            foreach (var name in shards[i].Keys) weightMap[name] = file;
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = tensors.Values.Sum(Bytes) },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(dir, IndexFile),
                          index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static List<Dictionary<string, Tensor>> Shard(IReadOnlyDictionary<string, Tensor> tensors, long maxBytes)
    {
        var shards = new List<Dictionary<string, Tensor>> { new() };
        long size = 0;
        foreach (var (name, t) in tensors)
        {
            if (shards[^1].Count > 0 && size + Bytes(t) > maxBytes)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1][name] = t;
            size += Bytes(t);
        }
        return shards;
    }

    private static long Bytes(Tensor t) => t.numel() * t.element_size();
}
