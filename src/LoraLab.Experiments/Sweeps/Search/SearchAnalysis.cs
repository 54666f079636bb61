using System.Text.Json.Nodes;
using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>Scaling slopes over a search's results: the cells are grouped by every axis except the scaling axis
/// (e.g. width) and the seed axis, and each group gets a per-seed slope of the edge and of η* with a
/// t-interval.</summary>
internal static class SearchAnalysis
{
    /// <summary>Group key (e.g. <c>init=a, readout=layer</c>) → slope of <paramref name="value"/> in
    /// <paramref name="xAxis"/>.</summary>
    public static SortedDictionary<string, SlopeEstimate?> Slopes(SearchResults results, string xAxis, string seedAxis,
        Func<CellResult, double?> value)
    {
        var groups = new SortedDictionary<string, SlopeEstimate?>(StringComparer.Ordinal);
        foreach (var g in results.Cells.GroupBy(c => GroupKey(c.Point, xAxis, seedAxis)))
            groups[g.Key] = SlopeEstimate.Fit(g.Where(c => value(c) is not null)
                .Select(c => (Seed: (long)Number(c.Point, seedAxis), X: Number(c.Point, xAxis), Y: value(c)!.Value)));
        return groups;
    }

    public static string GroupKey(JsonObject point, params string[] without) =>
        string.Join(", ", point.Where(p => !without.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={CanonicalJson.ScalarText(p.Value)}"));

    public static double Number(JsonObject point, string axis) =>
        point[axis] is JsonValue v && v.TryGetValue<double>(out var x)
            ? x
            : throw new LoraLabException($"axis '{axis}' is not a number in every grid point", ExitCodes.Usage);
}
