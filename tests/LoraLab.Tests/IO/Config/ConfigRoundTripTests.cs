using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.Core;
using LoraLab.Experiments.Sweeps;
using LoraLab.Experiments.Toy;
using LoraLab.IO.Config;
using LoraLab.Models.Generation;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.IO.Config;

/// <summary>
/// One config form for every config record (finetune with its lora/optim/schedule/monitors/data/model blocks, lora
/// alone, generation, the toy run, a sweep's search block, slurm.json, and a whole sweep spec): each is checked
/// against pinned files in Fixtures/config/ — &lt;record&gt;.defaults.json (what the defaults serialize to, written by
/// hand-checked serialization once; a new or removed key changes it) and &lt;record&gt;.full.json (every key set to a
/// value other than its default) — never against the serializer's own output: defaults and the full file load and
/// serialize back to the same keys and values (no key lost, none added: derived values are [JsonIgnore]), and every
/// leaf key of the full file reaches the same place through <c>--set key.path=value</c>.
/// </summary>
public sealed class ConfigRoundTripTests
{
    static readonly Dictionary<string, (Func<JsonObject?, IEnumerable<string>?, object> Load, Func<object> Defaults)>
        Records = new()
    {
        ["finetune"] = (Load<FinetuneConfig>, () => new FinetuneConfig()),
        ["lora"] = (Load<LoraConfig>, () => new LoraConfig()),
        ["generation"] = (Load<GenerationConfig>, () => new GenerationConfig()),
        ["toy"] = (Load<ToyRunConfig>, () => new ToyRunConfig()),
        ["search"] = (Load<SearchSpec>, () => new SearchSpec()),
        ["slurm"] = (Load<SlurmSettings>, () => new SlurmSettings()),
    };

    /// <summary>Keys the full file leaves at their default, and why (a value would make the file invalid).</summary>
    static readonly Dictionary<string, string[]> AtDefault = new()
    {
        // target_regex is exclusive with target_modules, loraplus_ratio with lr_b; train_a is false already
        ["finetune"] = ["lora.target_regex", "optim.loraplus_ratio", "optim.train_b"],
        ["lora"] = ["target_modules"],
    };

    public static TheoryData<string> Names => new(Records.Keys);

    static object Load<T>(JsonObject? tree, IEnumerable<string>? sets) where T : class, new() =>
        ConfigLoader.FromTree<T>(tree, sets, "round-trip");

    static JsonObject Pinned(string file) =>
        ConfigLoader.ParseObject(File.ReadAllText(RepoPaths.Fixture(Path.Combine("config", file))), file);

    static JsonObject Serialized(object record) =>
        (JsonObject)JsonSerializer.SerializeToNode(record, record.GetType(), ConfigJson.Options)!;

    [Theory]
    [MemberData(nameof(Names))]
    public void Defaults_SerializeToThePinnedFile_AndLoadBack(string name)
    {
        var pinned = Pinned($"{name}.defaults.json");

        AssertSameTree(pinned, Serialized(Records[name].Defaults()), "defaults");
        AssertSameTree(pinned, Serialized(Records[name].Load(pinned, null)), "defaults loaded");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FullFile_SetsEveryKey_AndRoundTripsWithNoKeyLostOrAdded(string name)
    {
        var defaults = Pinned($"{name}.defaults.json");
        var full = Pinned($"{name}.full.json");

        // Then the full file has exactly the defaults' keys, each set to another value (but the listed exceptions)
        Assert.Equal(Leaves(defaults).Select(l => l.Path), Leaves(full).Select(l => l.Path));
        var same = Leaves(full).Where(l => SameValue(l.Value, Get(defaults, l.Path))).Select(l => l.Path);
        Assert.Equal(AtDefault.GetValueOrDefault(name, []).Order(), same.Order());
        AssertSameTree(full, Serialized(Records[name].Load(full, null)), "full");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryKeyPath_ReachesItsKeyThroughSet(string name)
    {
        var defaults = Pinned($"{name}.defaults.json");
        var full = Pinned($"{name}.full.json");
        foreach (var (path, value) in Leaves(full))
        {
            // The full file with this key back at its default, then --set path=value: the full config again
            var tree = (JsonObject)full.DeepClone();
            ConfigLoader.SetPath(tree, path, Get(defaults, path)?.DeepClone(), create: false);
            var loaded = Records[name].Load(tree, [$"{path}={value?.ToJsonString() ?? "null"}"]);
            AssertSameTree(full, Serialized(loaded), $"--set {path}");
        }
        // and all of them at once on the defaults
        var all = Leaves(full).Select(l => $"{l.Path}={l.Value?.ToJsonString() ?? "null"}").ToList();
        AssertSameTree(full, Serialized(Records[name].Load(null, all)), "every --set");
    }

    [Fact]
    public void SweepSpec_FullFile_RoundTripsThroughTheSpecItWrites()
    {
        // A sweep spec (base, a compound axis, plain axes, a search block with every key): what `sweep plan` and
        // `reproduce` write as DIR/spec.json has the same keys and values as the file
        var full = Pinned("sweep.full.json");

        var spec = SweepSpec.Parse(full, "sweep.full.json");
        var written = ConfigLoader.ParseObject(SlurmPlanner.SpecJson(spec), "spec.json");

        AssertSameTree(full, written, "sweep spec");
        Assert.Equal(Leaves(Pinned("search.defaults.json")).Select(l => l.Path),
            Leaves((JsonObject)full["search"]!).Select(l => l.Path));
    }

    /// <summary>Leaf keys in file order: a value, or an object that is empty in the defaults (a dictionary such as
    /// rank_pattern) — never an array's items.</summary>
    static List<(string Path, JsonNode? Value)> Leaves(JsonObject tree, string prefix = "")
    {
        var leaves = new List<(string, JsonNode?)>();
        foreach (var (key, value) in tree)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is JsonObject obj && !IsDictionary(path)) leaves.AddRange(Leaves(obj, path));
            else leaves.Add((path, value));
        }
        return leaves;
    }

    static bool IsDictionary(string path) => path.EndsWith("rank_pattern") || path.EndsWith("alpha_pattern");

    static JsonNode? Get(JsonObject tree, string path)
    {
        JsonNode? node = tree;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var v)
                ? v : throw new KeyNotFoundException(path);
        return node;
    }

    static bool SameValue(JsonNode? a, JsonNode? b) => Difference(a, b, "") is null;

    static void AssertSameTree(JsonNode expected, JsonNode actual, string what)
    {
        if (Difference(expected, actual, "") is { } where)
            Assert.Fail($"{what}: differs at '{where}': expected {expected.ToJsonString()}, " +
                        $"got {actual.ToJsonString()}");
    }

    /// <summary>The first path where two trees differ (keys, order-insensitive; numbers by value), or null.</summary>
    static string? Difference(JsonNode? a, JsonNode? b, string path)
    {
        switch (a, b)
        {
            case (null, null):
                return null;
            case (JsonObject x, JsonObject y):
                foreach (var key in x.Select(p => p.Key).Union(y.Select(p => p.Key)))
                {
                    var sub = path.Length == 0 ? key : $"{path}.{key}";
                    if (!x.ContainsKey(key) || !y.ContainsKey(key))
                        return sub + (x.ContainsKey(key) ? " (lost)" : " (added)");
                    if (Difference(x[key], y[key], sub) is { } d) return d;
                }
                return null;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count) return path + " (length)";
                for (int i = 0; i < x.Count; i++)
                    if (Difference(x[i], y[i], $"{path}[{i}]") is { } d) return d;
                return null;
            case (JsonValue x, JsonValue y):
                if (x.GetValueKind() != y.GetValueKind()) return path;
                return x.GetValueKind() == JsonValueKind.Number
                    ? x.GetValue<double>().Equals(y.GetValue<double>()) ? null : path
                    : x.ToJsonString() == y.ToJsonString() ? null : path;
            default:
                return path;
        }
    }
}
