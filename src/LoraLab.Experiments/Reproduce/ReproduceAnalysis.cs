using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Reproduce;

/// <summary>From search.json to summary.json's cells: per group (readout × init, or setting), per-seed slopes of the
/// edge and of η* on the scaling axis, with t-intervals (<see cref="SlopeEstimate"/>). Never a bootstrap of a minimum:
/// each seed's edge is its own measurement.</summary>
internal static class ReproduceAnalysis
{
    /// <summary>width.&lt;readout&gt;.&lt;A|B&gt;.</summary>
    public static SortedDictionary<string, SortedDictionary<string, AxisSlopes>> Width(SearchResults results)
    {
        var width = new SortedDictionary<string, SortedDictionary<string, AxisSlopes>>(StringComparer.Ordinal);
        foreach (var g in results.Cells.GroupBy(
            c => (Readout: Text(c.Point, "readout"), Init: Text(c.Point, "init").ToUpperInvariant())))
        {
            if (!width.TryGetValue(g.Key.Readout, out var byInit))
                width[g.Key.Readout] = byInit = new SortedDictionary<string, AxisSlopes>(StringComparer.Ordinal);
            byInit[g.Key.Init] = Slopes(g.ToList(), "width", results.Search)
                                 with { TheorySlope = Theory.WidthSlope(g.Key.Readout, g.Key.Init) };
        }
        return width;
    }

    /// <summary>rank.&lt;setting&gt;.</summary>
    public static SortedDictionary<string, AxisSlopes> Rank(SearchResults results)
    {
        var rank = new SortedDictionary<string, AxisSlopes>(StringComparer.Ordinal);
        foreach (var g in results.Cells.GroupBy(c => Text(c.Point, "setting")))
            rank[g.Key] = Slopes(g.ToList(), "rank", results.Search) with { PredictedSlope = Theory.RankSlope(g.Key) };
        return rank;
    }

    public static AxisSlopes Slopes(IReadOnlyList<CellResult> cells, string axis, SearchSpec search)
    {
        var seeds = cells.Select(c => (long)SearchAnalysis.Number(c.Point, "seed")).Distinct().Order().ToList();
        var xs = cells.Select(c => (int)SearchAnalysis.Number(c.Point, axis)).Distinct().Order().ToList();
        CellResult? At(int x, long seed) => cells.FirstOrDefault(c =>
            (int)SearchAnalysis.Number(c.Point, axis) == x && (long)SearchAnalysis.Number(c.Point, "seed") == seed);
        var points = cells.Select(c => (Seed: (long)SearchAnalysis.Number(c.Point, "seed"),
                                        X: SearchAnalysis.Number(c.Point, axis), Cell: c)).ToList();
        var edge = SlopeEstimate.Fit(points.Where(p => p.Cell.Edge is { Bracketed: true }).Select(
            p => (p.Seed, p.X, p.Cell.Edge!.Edge)));
        var eta = SlopeEstimate.Fit(points.Where(p => p.Cell.Optimum is not null).Select(
            p => (p.Seed, p.X, p.Cell.Optimum!.Optimum)));
        return new AxisSlopes
        {
            EdgeSlope = edge?.Slope,
            EdgeSlopeCi95 = edge is null ? null : [edge.Low, edge.High],
            EtaStarSlope = eta?.Slope,
            EtaStarSlopeCi95 = eta is null ? null : [eta.Low, eta.High],
            Seeds = Math.Min(edge?.Seeds ?? 0, eta?.Seeds ?? 0),
            EdgeResolution = search.Resolution,
            EdgeSlopeSpread = edge?.Spread,
            EtaStarSlopeSpread = eta?.Spread,
            EdgeSlopePerSeed = edge?.PerSeed ?? [],
            EtaStarSlopePerSeed = eta?.PerSeed ?? [],
            Edges = new(xs.ToDictionary(x => x, x => seeds
                .Select(s => At(x, s)?.Edge is { Bracketed: true } e ? e.Edge : (double?)null).ToArray())),
            EtaStar = new(xs.ToDictionary(x => x, x => seeds.Select(s => At(x, s)?.Optimum?.Optimum).ToArray())),
            EtaStarFlags = Count(cells.Select(c => c.Optimum?.Flag)),
            Failures = Count(cells.Select(c => c.Failure
                ?? (c.Edge is { Bracketed: false } ? "edge not bracketed in [min, max]" : null))),
        };
    }

    static SortedDictionary<string, int> Count(IEnumerable<string?> reasons) =>
        new(reasons.Where(r => r is not null).GroupBy(r => r!).ToDictionary(g => g.Key, g => g.Count()),
            StringComparer.Ordinal);

    static string Text(JsonObject point, string axis) => CanonicalJson.ScalarText(point[axis]);
}
