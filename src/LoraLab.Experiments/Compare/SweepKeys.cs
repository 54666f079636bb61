using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Experiments.Compare;

/// <summary>
/// Sweep keys as users type them, one vocabulary for every sweep kind: a grid axis or config key by its dotted path
/// (<c>lora.init</c>, <c>optim.lr</c>), or by its last segment when that names exactly one axis or config key
/// (<c>init</c>, <c>lr</c>, <c>rank</c>), in any letter case (<c>Init</c>). A toy sweep's axes are top-level
/// (<c>init</c>, <c>lr</c>); a finetune sweep's are nested (<c>lora.init</c>, <c>optim.lr</c>); both answer to
/// <c>init</c> and <c>lr</c>.
/// </summary>
internal static class SweepKeys
{
    /// <summary>The dotted config path <paramref name="key"/> names in <paramref name="plan"/>: an axis first
    /// (exactly, then ignoring case, then by last segment), else a key of the runs' config. A one-line usage error
    /// (naming <paramref name="option"/> and the axes) when it names nothing or more than one axis.</summary>
    public static string Resolve(SweepPlan plan, string key, string option) =>
        TryResolve(plan, key, option) ?? throw new LoraLabException(
            $"{option}: '{key}' is neither an axis nor a config key of sweep '{plan.Name}' " +
            $"(axes: {string.Join(", ", plan.Axes)})", ExitCodes.Usage);

    /// <summary>As <see cref="Resolve"/>, but null when <paramref name="key"/> names nothing.</summary>
    public static string? TryResolve(SweepPlan plan, string key, string option)
    {
        var wanted = key.Trim();
        if (plan.Axes.Contains(wanted)) return wanted;
        var axis = Unique(plan.Axes.Where(a => Same(a, wanted)).ToList(), wanted, option)
                   ?? Unique(plan.Axes.Where(a => Same(LastSegment(a), wanted)).ToList(), wanted, option);
        if (axis is not null) return axis;
        var paths = plan.Runs.Count == 0 ? [] : LeafPaths(plan.Runs[0].Config, "").ToList();
        var path = Unique(paths.Where(p => Same(p, wanted)).ToList(), wanted, option)
                   ?? Unique(paths.Where(p => Same(LastSegment(p), wanted)).ToList(), wanted, option);
        return path;
    }

    static string? Unique(List<string> found, string key, string option) => found.Count switch
    {
        0 => null,
        1 => found[0],
        _ => throw new LoraLabException(
            $"{option}: '{key}' is ambiguous: it names {string.Join(", ", found)}; write the full path",
            ExitCodes.Usage),
    };

    static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    /// <summary>Dotted paths of the scalar leaves of a resolved config (arrays count as leaves).</summary>
    static IEnumerable<string> LeafPaths(JsonObject node, string prefix)
    {
        foreach (var (name, child) in node)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (child is JsonObject obj)
                foreach (var p in LeafPaths(obj, path)) yield return p;
            else yield return path;
        }
    }
}
