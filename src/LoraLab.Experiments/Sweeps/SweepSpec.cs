using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// A declarative sweep (JSON): <c>{"name", "kind": "toy"|"finetune", "base": {config} | "path.json", "grid": {"key":
/// [values], ...}, "search": {...}}</c>. Axes keep their file order; the first axis is the outermost loop of the plan.
/// With a <c>search</c> block (<see cref="SearchSpec"/>) each grid point is searched instead of run once.
/// </summary>
public sealed record SweepSpec(string Name, string Kind, JsonObject Base, IReadOnlyList<GridAxis> Grid,
                               SearchSpec? Search = null)
{
    static readonly HashSet<string> TopKeys = ["name", "kind", "base", "grid", "search", "description"];

    public static SweepSpec Load(string path)
    {
        if (!File.Exists(path)) throw new LoraLabException($"sweep spec not found: {path}", ExitCodes.Usage);
        return Parse(ConfigLoader.ParseObject(File.ReadAllText(path), path), path);
    }

    public static SweepSpec Parse(JsonObject root, string source)
    {
        foreach (var (key, _) in root)
            if (!TopKeys.Contains(key))
                throw new LoraLabException($"{source}: unknown key '{key}' (expected name, kind, base, grid, search)",
                                           ExitCodes.Usage);
        var name = RequiredString(root, "name", source);
        var kind = RequiredString(root, "kind", source);
        var baseConfig = root["base"] switch
        {
            null => new JsonObject(),
            JsonObject obj => (JsonObject)obj.DeepClone(),
            JsonValue v when v.TryGetValue<string>(out var rel) => LoadBase(rel, source),
            _ => throw new LoraLabException($"{source}: 'base' must be an object or a config file path",
                                            ExitCodes.Usage),
        };
        var grid = ParseGrid(root["grid"], source);
        var search = root["search"] is null ? null : SearchSpec.Parse(root["search"], source);
        if (search is not null && grid.Any(a => a.Key == search.Key))
            throw new LoraLabException($"{source}: '{search.Key}' is searched, so it cannot also be a grid axis",
                                       ExitCodes.Usage);
        return new SweepSpec(name, kind, baseConfig, grid, search);
    }

    static IReadOnlyList<GridAxis> ParseGrid(JsonNode? node, string source)
    {
        if (node is not JsonObject grid || grid.Count == 0)
            throw new LoraLabException($"{source}: 'grid' must be an object with at least one axis", ExitCodes.Usage);
        var axes = new List<GridAxis>();
        foreach (var (key, values) in grid)
        {
            if (values is not JsonArray array || array.Count == 0)
                throw new LoraLabException($"{source}: grid axis '{key}' must be a non-empty array", ExitCodes.Usage);
            var texts = array.Select(CanonicalJson.Serialize).ToList();
            if (texts.Distinct().Count() != texts.Count)
                throw new LoraLabException($"{source}: grid axis '{key}' repeats a value", ExitCodes.Usage);
            axes.Add(array.All(v => v is JsonObject) ? Compound(key, array, source)
                     : new GridAxis(key, array.Select(v => v?.DeepClone()).ToList()));
        }
        return axes;
    }

    static GridAxis Compound(string key, JsonArray array, string source)
    {
        var settings = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in array.Cast<JsonObject>())
        {
            if (item["name"] is not JsonValue v || !v.TryGetValue<string>(out var name) || name.Length == 0)
                throw new LoraLabException($"{source}: every value of compound axis '{key}' needs a \"name\"",
                                           ExitCodes.Usage);
            if (!settings.TryAdd(name, (JsonObject)item.DeepClone()))
                throw new LoraLabException($"{source}: compound axis '{key}' repeats the name '{name}'",
                                           ExitCodes.Usage);
            settings[name].Remove("name");
        }
        return new GridAxis(key, settings.Keys.Select(n => (JsonNode?)JsonValue.Create(n)).ToList(), settings);
    }

    static JsonObject LoadBase(string relative, string source)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        var path = Path.IsPathRooted(relative) ? relative : Path.Combine(dir, relative);
        if (!File.Exists(path)) throw new LoraLabException($"{source}: base config not found: {path}", ExitCodes.Usage);
        return ConfigLoader.ParseObject(File.ReadAllText(path), path);
    }

    static string RequiredString(JsonObject root, string key, string source) =>
        root[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new LoraLabException($"{source}: '{key}' must be a non-empty string", ExitCodes.Usage);
}
