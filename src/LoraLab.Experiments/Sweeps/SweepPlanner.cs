using System.Text.Json.Nodes;
using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>Expands a spec's grid (first axis outermost, last axis fastest) and resolves every point through its
/// run kind, so that a bad value anywhere in the grid stops the sweep before any run starts.</summary>
public static class SweepPlanner
{
    public static SweepPlan Plan(SweepSpec spec, RunKinds kinds, string source = "sweep spec")
    {
        IRunKind kind;
        try
        {
            kind = kinds.Get(spec.Kind);
        }
        catch (LoraLabException ex)
        {
            throw new LoraLabException($"{source}: {ex.Message}", ex.ExitCode, ex);
        }
        var runs = new List<PlannedRun>();
        var ids = new Dictionary<string, int>();
        foreach (var point in Points(spec.Grid))
        {
            var merged = (JsonObject)spec.Base.DeepClone();
            foreach (var axis in spec.Grid)
            {
                if (!axis.Compound) Set(merged, axis.Key, point[axis.Key]?.DeepClone());
                else
                    foreach (var (key, value) in axis.Settings![CanonicalJson.ScalarText(point[axis.Key])])
                        Set(merged, key, value?.DeepClone());
            }
            var resolved = Resolve(kind, merged, $"{source} [{Describe(point)}]");
            if (spec.Search is { } search && new PlannedRun(0, "", point, resolved).Value(search.Key) is null)
                throw new LoraLabException($"{source}: search key '{search.Key}' is not a key of a {spec.Kind} config",
                                           ExitCodes.Usage);
            var id = RunId.For(spec.Kind, point, resolved);
            if (ids.TryGetValue(id, out var other))
                throw new LoraLabException($"{source}: grid points {other} and {runs.Count} resolve to the same " +
                                           $"config ({id})", ExitCodes.Usage);
            ids[id] = runs.Count;
            runs.Add(new PlannedRun(runs.Count, id, point, resolved));
        }
        if (spec.Search is { } s && s.Has(SearchStrategy.Optimum) && kind.Metrics.All(m => m.Name != s.Metric))
            throw new LoraLabException($"{source}: search metric '{s.Metric}' is not a metric of kind '{spec.Kind}' " +
                                       $"({string.Join(", ", kind.Metrics.Select(m => m.Name))})", ExitCodes.Usage);
        return new SweepPlan
        {
            Name = spec.Name,
            Kind = spec.Kind,
            Axes = spec.Grid.Select(a => a.Key).Concat(spec.Search is { } k ? [k.Key] : []).ToList(),
            Metrics = kind.Metrics.ToList(),
            Runs = spec.Search is null ? runs : [],
            Search = spec.Search,
            Cells = spec.Search is null ? null : runs,
        };
    }

    /// <summary>The kind's resolved config without its execution-only keys.</summary>
    public static JsonObject Resolve(IRunKind kind, JsonObject merged, string source)
    {
        var resolved = kind.Resolve(merged, source);
        foreach (var key in kind.ExecutionKeys) resolved.Remove(key);
        return resolved;
    }

    /// <summary>The cartesian product in plan order.</summary>
    public static IEnumerable<JsonObject> Points(IReadOnlyList<GridAxis> axes)
    {
        var counters = new int[axes.Count];
        long total = axes.Aggregate(1L, (n, a) => n * a.Values.Count);
        for (long i = 0; i < total; i++)
        {
            var point = new JsonObject();
            for (int a = 0; a < axes.Count; a++) point[axes[a].Key] = axes[a].Values[counters[a]]?.DeepClone();
            yield return point;
            for (int a = axes.Count - 1; a >= 0; a--)
            {
                if (++counters[a] < axes[a].Values.Count) break;
                counters[a] = 0;
            }
        }
    }

    /// <summary>Sets a dotted path, creating objects on the way (the kind's strict load rejects unknown
    /// keys).</summary>
    internal static void Set(JsonObject root, string dottedKey, JsonNode? value) =>
        LoraLab.IO.Config.ConfigLoader.SetPath(root, dottedKey, value, create: true);

    internal static string Describe(JsonObject point) =>
        string.Join(", ", point.Select(p => $"{p.Key}={CanonicalJson.ScalarText(p.Value)}"));
}
