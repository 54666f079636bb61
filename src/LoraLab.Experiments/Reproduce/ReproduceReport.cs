using System.Globalization;
using LoraLab.Experiments.Sweeps;
using LoraLab.Reports;

namespace LoraLab.Experiments.Reproduce;

/// <summary>report.html of <c>loralab reproduce</c>: the tables, per-seed edges and η* against width with the fitted
/// mean slope per readout, the rank figure, and the sensitivity table.</summary>
internal static class ReproduceReport
{
    static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(ReproduceSummary summary, SearchResults width, SearchResults? rank,
        SensitivityTable? sensitivity, string table, string outDir)
    {
        var html = new HtmlReport("LoraLab reproduce: LoRA learning-rate scaling with width and rank, " +
                                  "Init[A] vs Init[B]");
        html.Paragraph("Teacher–student toy (docs/protocol-width-sweep.md). Per grid point and seed, the stability " +
                       "edge is found by bracketing and bisection on log LR to a factor " +
                       $"{summary.EdgeResolution.ToString("0.####", C)}, and η* by a quadratic fit of log final " +
                       "train loss on log LR over 5 points around the minimum (docs/sweeps.md). Slopes are fitted " +
                       $"per seed and averaged over {summary.Seeds.Length} seeds with a Student-t 95 % interval.")
            .Heading("Results").Preformatted(table);
        foreach (var (readout, byInit) in summary.Width)
        {
            html.Heading($"{readout} readout", 3);
            foreach (var (what, pick) in new (string, Func<AxisSlopes, (SortedDictionary<int, double?[]>, double?)>)[]
                     { ("edge", a => (a.Edges, a.EdgeSlope)), ("eta*", a => (a.EtaStar, a.EtaStarSlope)) })
            {
                var chart = Scatter($"{readout} readout: {what} per seed vs width", "width n",
                    byInit.Select(kv => ($"Init[{kv.Key}]", pick(kv.Value).Item1, pick(kv.Value).Item2)).ToList());
                var stem = $"{(what == "edge" ? "edge" : "eta_star")}_vs_width_{readout}";
                html.FigurePng(LineChart.Save(chart, Path.Combine(outDir, "figures", stem)),
                    $"{readout} readout: {what} of each seed (points) and the mean per-seed slope " +
                    "(line through the geometric mean).");
            }
        }
        if (summary.Rank.Count > 0)
        {
            var chart = Scatter($"rank axis at width {summary.RankWidth}: eta* per seed vs rank", "rank r",
                summary.Rank.Select(kv => (kv.Key, kv.Value.EtaStar, kv.Value.EtaStarSlope)).ToList());
            html.Heading("Rank axis", 3).FigurePng(
                LineChart.Save(chart, Path.Combine(outDir, "figures", "eta_star_vs_rank")),
                "η* of each seed vs rank per setting, with the mean per-seed slope; " +
                "predictions (Chen, Villar & Hayou, read in part): " +
                string.Join(", ", summary.Rank.Select(
                    kv => $"{kv.Key} {ReproduceTable.Num(kv.Value.PredictedSlope)}")) + ".");
        }
        if (sensitivity is not null)
            html.Heading("Sensitivity", 3).Table(["variant", "readout", "init", "edge slope", "η* slope", "theory"],
                sensitivity.Rows.Select(r => (IReadOnlyList<string>)[r.Variant, r.Readout, r.Init,
                    ReproduceTable.Slope(r.Slopes.EdgeSlope, r.Slopes.EdgeSlopeCi95),
                    ReproduceTable.Slope(r.Slopes.EtaStarSlope, r.Slopes.EtaStarSlopeCi95),
                    ReproduceTable.Num(r.Slopes.TheorySlope)]));
        html.Save(Path.Combine(outDir, "report.html"));
    }

    /// <summary>Per-seed points of each group and a line of the mean slope through the points' geometric
    /// mean.</summary>
    static ChartSpec Scatter(string title, string xLabel, IReadOnlyList<(
        string Label, SortedDictionary<int, double?[]> Values, double? Slope)> groups)
    {
        var series = new List<ChartSeries>();
        var xs = groups.SelectMany(g => g.Values.Keys).Distinct().Order().Select(x => (double)x).ToArray();
        for (int i = 0; i < groups.Count; i++)
        {
            var (label, values, slope) = groups[i];
            var points = values.SelectMany(kv => kv.Value.Where(v => v is > 0).Select(v => ((double)kv.Key, v!.Value)))
                .ToList();
            var color = Colors[i % Colors.Length];
            series.Add(new ChartSeries(label, points.Select(p => p.Item1).ToArray(),
                                       points.Select(p => p.Item2).ToArray())
                { Line = false, Color = color });
            if (slope is { } s && points.Count > 0)
            {
                double mx = points.Average(p => Math.Log(p.Item1)), my = points.Average(p => Math.Log(p.Item2));
                double Y(double x) => Math.Exp(my + s * (Math.Log(x) - mx));
                series.Add(new ChartSeries($"{label}: slope {ReproduceTable.Num(s)}", [xs[0], xs[^1]],
                                           [Y(xs[0]), Y(xs[^1])])
                    { Markers = false, Color = color });
            }
        }
        return new ChartSpec(title, xLabel, "learning rate", series) { LogX = true, LogY = true, XTicks = xs };
    }
}
