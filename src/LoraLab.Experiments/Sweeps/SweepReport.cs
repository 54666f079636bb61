using System.Globalization;
using LoraLab.Experiments.Compare;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Reports;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// DIR/report.html (self-contained; figures also as DIR/figures/*.png|svg): per group (task and any axis other than
/// the side, LR and seed), the metric vs LR per side with every seed drawn, the best-LR table, the training curves
/// and feature norms (rms Z_A, rms Z_B) of the best runs, and every diverged, failed or missing run.
/// </summary>
public static class SweepReport
{
    static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    public static string Write(ResultStore store, string? metricName, string sideKey = "init", string lrKey = "lr")
    {
        var plan = SweepPlan.Load(store.Directory);
        var reads = store.ReadAll(plan);
        var metric = plan.Metric(metricName);
        var options = new SweepComparison.Options(LrKey: lrKey).ResolvedFor(plan);
        (sideKey, lrKey) = (SweepKeys.TryResolve(plan, sideKey, "--side") ?? sideKey, options.LrKey);
        var groupAxes = plan.Axes.Where(a => a != sideKey && a != lrKey && a != options.SeedKey).ToList();
        string GroupOf(ResultRead r) => groupAxes.Count == 0 ? "all"
            : string.Join(", ", groupAxes.Select(a => $"{a}={CanonicalJson.ScalarText(r.Run.Point[a])}"));
        string SideOf(ResultRead r) => r.Run.Value(sideKey) is { } v ? $"{sideKey}={v}" : "all";
        var figures = Path.Combine(store.Directory, "figures");
        var report = new HtmlReport($"Sweep '{plan.Name}' ({plan.Kind})");
        report.Paragraph(SweepStatus.Of(store).Format().Split('\n')[0]);
        report.Paragraph($"Metric: {metric.Name} ({EnumNames.Of(metric.Direction)} is better). Best LR = the LR with " +
                         "the best mean over seeds among LRs where no seed diverged; interval = 95% Student t over " +
                         "seeds; LR band = contiguous LRs whose mean is within 1% of the best.");
        var rows = new List<IReadOnlyList<string>>();
        int figure = 0;
        foreach (var group in reads.Select(GroupOf).Distinct().ToList())
        {
            var inGroup = reads.Where(r => GroupOf(r) == group).ToList();
            var sides = inGroup.GroupBy(SideOf).Select(g => (
                Name: g.Key, Summary: SweepComparison.Side(g.Key, g, metric, options), Reads: g.ToList())).ToList();
            report.Heading($"Group {group}");
            var lrSeries = new List<ChartSeries>();
            var best = new List<(string Name, List<ResultRead> Runs)>();
            foreach (var (side, i) in sides.Select((s, i) => (s, i)))
            {
                var color = Palette[i % Palette.Length];
                var curve = side.Summary.Curve;
                lrSeries.Add(new ChartSeries($"{side.Name} (mean)", curve.Select(p => p.Lr).ToList(),
                                             curve.Select(p => p.Mean).ToList()) { Color = color });
                var seeds = curve.SelectMany(p => p.BySeed.Values.Select(v => (p.Lr, v))).ToList();
                lrSeries.Add(new ChartSeries("", seeds.Select(s => s.Lr).ToList(), seeds.Select(s => s.v).ToList())
                {
                    Line = false, Color = color,
                });
                rows.Add(Row(group, side.Name, side.Summary));
                if (side.Summary.BestLr is { } lr)
                    best.Add((side.Name, side.Reads.Where(r => r.Result is { Status: RunStatus.Ok }
                                                          && Same(r.Run.Value(lrKey), lr)).ToList()));
            }
            // Log scale for losses and perplexities only: accuracies span less than a decade, and a log axis without
            // a decade inside its range gets no tick labels.
            var logY = metric.Direction == MetricDirection.Lower && inGroup.All(
                r => r.Result is null || !r.Result.Metrics.TryGetValue(metric.Name, out var v) || !(v <= 0));
            Figure(report, figures, ++figure, new ChartSpec(
                $"{metric.Name} vs LR ({group}); dots = seeds", "learning rate", metric.Name, lrSeries) { LogX = true,
                LogY = logY },
                $"{metric.Name} at the end of training vs learning rate, " +
                "mean over ok seeds (line) and each seed (dots); diverged runs are not drawn.");
            foreach (var curve in new[] { "loss", "rms_za", "rms_zb" })
            {
                var series = best.SelectMany((b, i) => b.Runs.Where(r => r.Result!.Curves.ContainsKey(curve)).Select(
                    (r, k) =>
                {
                    var y = r.Result!.Curves[curve];
                    return new ChartSeries(k == 0 ? $"{b.Name} @ best LR" : "",
                                           Enumerable.Range(0, y.Length).Select(s => (double)s).ToList(), y)
                        { Markers = false, Color = Palette[i % Palette.Length] };
                })).ToList();
                if (series.Count == 0) continue;
                Figure(report, figures, ++figure, new ChartSpec(
                    $"{curve} of the best runs ({group})", "step", curve, series) { LogY = true },
                    $"{curve} per step for every seed at each side's best LR" +
                    (curve == "loss" ? "." : " (feature norm: RMS of Z = A·h for za, s·B·A·h for zb)."));
            }
        }
        report.Heading("Best learning rate per group and side");
        report.Table(["group", "side", "best lr", "mean", "95% CI", "n", "diverged", "failed", "LR band (decades)"],
                     rows);
        var bad = reads.Where(r => !(r.Result is { Status: RunStatus.Ok })).ToList();
        report.Heading($"Diverged, failed and missing runs ({bad.Count})");
        report.Table(["id", "status", "error"], bad.Select(r => (IReadOnlyList<string>)[
            r.Run.Id, r.Result is { } result ? EnumNames.Of(result.Status) : r.Corruption is null ? "missing"
                      : "corrupt",
            r.Result?.Error ?? r.Corruption ?? ""]));
        var path = Path.Combine(store.Directory, "report.html");
        AtomicFile.WriteAllText(path, report.Render());
        return path;
    }

    static IReadOnlyList<string> Row(string group, string side, SideSummary s) =>
    [
        group, side, s.BestLr is { } lr ? N(lr) : "-", s.AtBest is { } m ? N(m.Estimate) : "-",
        s.AtBest is { } c ? $"[{N(c.Low)}, {N(c.High)}]" : "-",
        (s.AtBest?.N ?? 0).ToString(CultureInfo.InvariantCulture),
        s.Diverged.ToString(CultureInfo.InvariantCulture), s.Failed.ToString(CultureInfo.InvariantCulture),
        s.BandDecades is { } d ? d.ToString("0.00", CultureInfo.InvariantCulture) : "-",
    ];

    static void Figure(HtmlReport report, string dir, int n, ChartSpec spec, string caption) =>
        report.FigurePng(LineChart.Save(spec, Path.Combine(dir, $"fig{n:D2}")), caption);

    static bool Same(string? text, double lr) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == lr;

    static string N(double x) => ComparisonReport.N(x);
}
