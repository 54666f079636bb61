using System.Globalization;
using LoraLab.IO;
using LoraLab.Reports;

namespace LoraLab.Experiments.Tune;

/// <summary>DIR/report.html: the plan, lr-find's curves, the halving ladder, the metric against the LR per init at
/// each rung, the finalists and the baseline over seeds, the verdict, and the compute used against a full
/// grid.</summary>
internal static class TuneReport
{
    public const string HtmlFile = "report.html";

    public static void Write(TuneResult r, string directory)
    {
        var figures = Path.Combine(directory, "figures");
        var html = new HtmlReport($"tune: {r.Name}");
        html.Heading("Recommendation");
        html.Paragraph($"Trials are ranked by {r.Metric}; the verdict reports {r.ReportMetric}.");
        html.Paragraph($"{r.Recommended.Arm}, optim.lr {G(r.Recommended.Lr)}: " +
                       $"{r.ReportMetric} {Mean(r.Recommended.Mean)} over " +
                       $"{r.Recommended.BySeed.Count} seeds ({r.Metric} {Mean(r.Recommended.SelectionMean)})" +
                       (r.RecommendedIsBaseline ? " (the baseline: no finalist beat it)." : "."));
        html.Paragraph($"Baseline ({r.Baseline.Arm}, the config's own optim.lr {G(r.Baseline.Lr)}): {r.ReportMetric} " +
                       $"{Mean(r.Baseline.Mean)} ({r.Metric} {Mean(r.Baseline.SelectionMean)}).");
        html.Paragraph($"Verdict: {r.Verdict}");
        html.Paragraph($"Compute: {r.StepsUsed} training steps (lr-find {r.LrFindStepsUsed}, trials " +
                       $"{r.TrialStepsUsed}) against {r.FullGridSteps} for a full grid of the same candidates " +
                       $"({Share(r.StepsUsed, r.FullGridSteps)}). Plan: {r.Plan.Describe()}.");

        html.Heading("lr-find");
        LrFindReport.AddTo(html, r.LrFind, Path.Combine(figures, "lr_find"));

        html.Heading("Halving ladder");
        html.Table(["rung", "steps", "trials", "ok", "pruned", "promoted", "best"],
                   r.Trials.Where(t => t.Stage.StartsWith("rung"))
            .GroupBy(t => t.Rung).Select(g =>
            {
                var best = g.Where(t => t.Metric is not null)
                    .OrderBy(t => r.Direction == Sweeps.MetricDirection.Lower ? t.Metric : -t.Metric)
                    .FirstOrDefault();
                return (IReadOnlyList<string>)[$"{g.Key + 1}", $"{g.First().Steps}", $"{g.Count()}",
                                               $"{g.Count(t => t.Status == "ok")}",
                    $"{g.Count(t => t.Status != "ok")}", $"{g.Count(t => t.Promoted)}",
                    best is null ? "-" : $"{best.Arm}, lr {G(best.Lr)}: {G(best.Metric!.Value)}"];
            }));
        var series = r.Trials.Where(t => t.Stage.StartsWith("rung") && t.Metric is not null)
            .GroupBy(t => (t.Arm, t.Rung)).OrderBy(g => g.Key.Rung).ThenBy(g => g.Key.Arm, StringComparer.Ordinal)
            .Select(g => new ChartSeries($"{g.Key.Arm}, rung {g.Key.Rung + 1} ({g.First().Steps} steps)",
                g.OrderBy(t => t.Lr).Select(t => t.Lr).ToList(),
                g.OrderBy(t => t.Lr).Select(t => t.Metric!.Value).ToList())).ToList();
        if (series.Count > 0)
            html.FigurePng(LineChart.Save(new ChartSpec(
                $"{r.Metric} vs LR per arm and rung", "optim.lr", r.Metric, series) { LogX = true },
                Path.Combine(figures, "metric_vs_lr")),
                $"{r.Metric} of every ok trial against its LR, per arm and rung (pruned trials are left out).");

        html.Heading("Finalists and baseline over seeds");
        html.Table(["configuration", "optim.lr", $"{r.Metric} mean [95% t]", $"{r.ReportMetric} mean [95% t]",
                    "per seed", "diverged"],
            r.Finalists.Append(r.Baseline).Select(
                f => (IReadOnlyList<string>)[f.Arm, G(f.Lr), Mean(f.SelectionMean), Mean(f.Mean),
                string.Join(" ", f.BySeed.Select(G)), $"{f.Diverged}"]));

        html.Heading("Trials");
        html.Preformatted(TuneOutputs.Csv(r));
        AtomicFile.WriteAllText(Path.Combine(directory, HtmlFile), html.Render());
    }

    static string Mean(Compare.Interval? i) => i is { } m ? $"{G(m.Estimate)} [{G(m.Low)}, {G(m.High)}]" : "-";

    static string Share(long used, long grid) =>
        grid > 0 ? ((double)used / grid).ToString("P0", CultureInfo.InvariantCulture) : "-";

    static string G(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
