using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Reproduce;

/// <summary>The sweep specs of <c>loralab reproduce</c>: configs/reproduce/*.json (embedded in this assembly, so the
/// tool runs from anywhere) or a file, with the command line's overrides applied to the spec's base config
/// (<c>--set</c>, through the one dotted-path setter) and to its seed axis (<c>--seed</c>).</summary>
internal static class ReproduceSpecs
{
    /// <summary>The width searches: the linear readouts to n = 8192 and layer-relu to 2048 (its loss costs O(n·N) per
    /// step); --quick: one small spec with all three; --width-spec: that file alone.</summary>
    public static IReadOnlyList<SweepSpec> Width(ReproduceOptions o) =>
        o.WidthSpec is not null ? [Load(o.WidthSpec, "", o)]
        : o.Quick ? [Load(null, "quick-width.json", o)]
        : [Load(null, "width.json", o), Load(null, "width-relu.json", o)];

    public static SweepSpec Rank(ReproduceOptions o) => Load(o.RankSpec, o.Quick ? "quick-rank.json" : "rank.json", o);

    /// <summary>The grid-phase check: the same spec with the search lattice shifted by half a step.</summary>
    public static SweepSpec PhaseShifted(SweepSpec spec, IReadOnlyList<string> readouts)
    {
        var search = spec.Search! with { Start = spec.Search!.Start * Math.Sqrt(spec.Search.Resolution) };
        var grid = spec.Grid.Select(a => a.Key == "readout"
            ? a with { Values = a.Values.Where(v => readouts.Contains(CanonicalJson.ScalarText(v))).ToList() }
            : a).ToList();
        return spec with { Name = spec.Name + "-phase", Grid = grid, Search = search };
    }

    /// <summary>The spec with its width axis cut at <paramref name="maxWidth"/> (the cheaper widths of a sensitivity
    /// variant).</summary>
    public static SweepSpec UpToWidth(SweepSpec spec, int maxWidth) => spec with
    {
        Grid = spec.Grid.Select(a => a.Key == "width"
            ? a with
            {
                Values = a.Values.Where(v => v is JsonValue n && n.TryGetValue<double>(out var x) && x <= maxWidth)
                                 .ToList(),
            }
            : a).ToList(),
    };

    /// <summary>The spec with one more base override (a sensitivity variant).</summary>
    public static SweepSpec WithBase(SweepSpec spec, string name, string key, JsonNode value)
    {
        var b = (JsonObject)spec.Base.DeepClone();
        ConfigLoader.SetPath(b, key, value, create: true);
        return spec with { Name = $"{spec.Name}-{name}", Base = b };
    }

    static SweepSpec Load(string? path, string embedded, ReproduceOptions o)
    {
        var spec = path is not null
            ? SweepSpec.Load(path)
            : SweepSpec.Parse(ConfigLoader.ParseObject(Embedded(embedded), embedded), embedded);
        if (spec.Kind != "toy" || spec.Search is null || !spec.Search.Has(SearchStrategy.Edge)
            || !spec.Search.Has(SearchStrategy.Optimum))
            throw new LoraLabException($"{path ?? embedded}: reproduce needs a toy spec with a search block over " +
                                       "edge and optimum", ExitCodes.Usage);
        if (spec.Grid.All(a => a.Key != "seed"))
            throw new LoraLabException($"{path ?? embedded}: reproduce needs a 'seed' grid axis", ExitCodes.Usage);
        var b = (JsonObject)spec.Base.DeepClone();
        foreach (var assignment in o.Sets)
        {
            var (key, value) = ConfigLoader.ParseAssignment(assignment);
            ConfigLoader.SetPath(b, key, value, create: true);
        }
        var grid = spec.Grid.Select(a => a.Key == "seed" && o.Seed is { } first
            ? a with { Values = Enumerable.Range(0, a.Values.Count).Select(
                i => JsonNode.Parse((first + i).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList() }
            : a).ToList();
        return spec with { Base = b, Grid = grid };
    }

    static string Embedded(string name)
    {
        using var stream = typeof(ReproduceSpecs).Assembly.GetManifestResourceStream("reproduce/" + name)
                           ?? throw new InvalidOperationException($"embedded spec reproduce/{name} is missing");
        return new StreamReader(stream).ReadToEnd();
    }
}
