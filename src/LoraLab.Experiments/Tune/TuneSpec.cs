using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// A tune spec (configs/tune/*.json): <c>{"name", "base": {finetune config} | "config.json", "axes": {"key":
/// [values], ...}, "tune": {<see cref="TuneSettings"/>}}</c>. The base is what <c>loralab finetune --config</c> would
/// run; init and optim.lr are what tune chooses; each optional axis (e.g. <c>optim.loraplus_ratio: [1, 4, 16]</c>,
/// <c>lora.scaling: ["alpha-over-r", "alpha-over-sqrt-r"]</c>) multiplies the arms and needs two values or more.
/// </summary>
public sealed record TuneSpec(
    string Name, string Kind, JsonObject Base, IReadOnlyList<GridAxis> Axes, TuneSettings Settings)
{
    static readonly HashSet<string> TopKeys = ["name", "description", "kind", "base", "axes", "tune"];
    static readonly HashSet<string> Chosen = ["lora.init", "optim.lr", "steps", "seed", "epochs"];

    /// <summary>The spec with its base inlined (a file <see cref="Load"/> reads back as this spec).</summary>
    public JsonObject ToNode() => new()
    {
        ["name"] = Name, ["kind"] = Kind, ["base"] = Base.DeepClone(),
        ["axes"] = new JsonObject(Axes.Select(a =>
            KeyValuePair.Create(a.Key, (JsonNode?)new JsonArray(a.Values.Select(v => v?.DeepClone()).ToArray())))),
        ["tune"] = ConfigJson.ToNode(Settings),
    };

    public static TuneSpec Load(string path)
    {
        if (!File.Exists(path)) throw new LoraLabException($"tune spec not found: {path}", ExitCodes.Usage);
        return Parse(ConfigLoader.ParseObject(File.ReadAllText(path), path), path);
    }

    public static TuneSpec Parse(JsonObject root, string source)
    {
        foreach (var (key, _) in root)
            if (!TopKeys.Contains(key))
                throw new LoraLabException($"{source}: unknown key '{key}' (expected name, base, axes, tune)",
                                           ExitCodes.Usage);
        // The base and its description are parsed as a sweep spec's are (one reader for "object or path").
        var asSweep = new JsonObject
        {
            ["name"] = root["name"]?.DeepClone(),
            ["kind"] = root["kind"]?.DeepClone() ?? "finetune",
            ["base"] = root["base"]?.DeepClone(),
            ["grid"] = JsonNode.Parse("""{"seed": [0]}"""),
        };
        var sweep = SweepSpec.Parse(asSweep, source);
        var baseConfig = sweep.Base;
        baseConfig.Remove("description");
        var axes = new List<GridAxis>();
        if (root["axes"] is JsonObject axesNode)
            foreach (var (key, values) in axesNode)
            {
                if (Chosen.Contains(key))
                    throw new LoraLabException($"{source}: axis '{key}' is chosen by tune itself; remove it from axes",
                                               ExitCodes.Usage);
                if (values is not JsonArray array || array.Count < 2 || array.Any(v => v is JsonObject or JsonArray))
                    throw new LoraLabException($"{source}: axis '{key}' must list two or more values (one value is " +
                                               "not a choice: set it in base)", ExitCodes.Usage);
                var texts = array.Select(CanonicalJson.Serialize).ToList();
                if (texts.Distinct().Count() != texts.Count)
                    throw new LoraLabException($"{source}: axis '{key}' repeats a value", ExitCodes.Usage);
                axes.Add(new GridAxis(key, array.Select(v => v?.DeepClone()).ToList()));
            }
        else if (root["axes"] is not null)
            throw new LoraLabException($"{source}: 'axes' must be an object of key: [values]", ExitCodes.Usage);
        var settings = ConfigLoader.FromTree<TuneSettings>(root["tune"] as JsonObject, null, $"{source}: tune");
        if (root["tune"] is not null and not JsonObject)
            throw new LoraLabException($"{source}: 'tune' must be an object", ExitCodes.Usage);
        return new TuneSpec(sweep.Name, sweep.Kind, baseConfig, axes, settings);
    }
}
