using System.Diagnostics;
using LoraLab.Core.Config;
using LoraLab.Reports;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// <c>loralab reproduce</c>: runs the width sweep, prints the table, and writes summary.json, timing.json, table.txt,
/// figures/*.png|svg and report.html into <paramref name="outDir"/>.
/// </summary>
public static class WidthSweepReproduce
{
    public static WidthSweepSummary Run(WidthSweepConfig config, string outDir, TextWriter stdout, SweepProgress progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var load = LoadAverage();
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "protocol.json"), ConfigJson.Serialize(config));
        progress.Message($"reproduce: {config.Widths.Length} widths × {config.Readouts.Length} readouts × 2 inits × " +
                         $"{config.GridA.Count}/{config.GridB.Count} LRs × {config.SeedCount} seeds, {config.Steps} steps → {outDir}");
        var sweep = WidthSweepRunner.Run(config, progress, ct);
        var sweepSeconds = clock.Elapsed.TotalSeconds;
        var summary = WidthSweepAnalysis.Analyze(config, sweep);
        File.WriteAllText(Path.Combine(outDir, "summary.json"), ConfigJson.Serialize(summary));
        var table = WidthSweepTable.Render(summary);
        File.WriteAllText(Path.Combine(outDir, "table.txt"), table);
        stdout.Write(table);
        WriteReport(summary, table, outDir);
        var timing = new WidthSweepTiming(clock.Elapsed.TotalSeconds, sweepSeconds, config.Workers, Environment.ProcessorCount, load,
            sweep.Timings, MedianMsPerStep(sweep.Timings));
        File.WriteAllText(Path.Combine(outDir, "timing.json"), ConfigJson.Serialize(timing));
        stdout.WriteLine($"wall time {clock.Elapsed.TotalSeconds:F1} s (sweep {sweepSeconds:F1} s); files in {outDir}");
        return summary;
    }

    static void WriteReport(WidthSweepSummary summary, string table, string outDir)
    {
        var html = new HtmlReport("LoraLab reproduce: LoRA learning-rate scaling with width, Init[A] vs Init[B]");
        var p = summary.Protocol;
        html.Paragraph("Teacher–student toy (docs/protocol-width-sweep.md): one frozen LoRA-carrying n×n layer, " +
                       $"rank r = {p.Rank}, α = {p.Alpha}, {p.TrainPoints} train / {p.TestPoints} test points, Adam (β1 = {p.Beta1}, β2 = {p.Beta2}, ε = {p.Eps}), " +
                       $"{p.Steps} full-batch steps, seeds {string.Join(", ", summary.Seeds)}. η* = argmin of the final train loss " +
                       $"(mean log over seeds, refined by a parabola); a run diverged if its train loss ever exceeded {p.DivergenceFactor}× its initial loss.")
            .Paragraph("Theory (γ-calculus, Adam ≈ sign updates, docs §3): max stable LR ∝ n^-1/2 for Init[A] and n^-1 for Init[B] on the layer readout; " +
                       "n^-3/4 and n^-1 on the scalar readout (w entries ~ 1/√n).")
            .Heading("Slopes of log LR vs log n (95 % seed-bootstrap intervals) beside theory")
            .Table(["readout", "init", "slope of η*", "slope of max stable LR", "theory (max stable)", "widths left out"],
                summary.Readouts.SelectMany(kv => new[] { ("A", kv.Value.A), ("B", kv.Value.B) }.Select(x => (IReadOnlyList<string>)
                [
                    kv.Key, x.Item1, WidthSweepTable.Slope(x.Item2.Slope, x.Item2.SlopeCi95),
                    WidthSweepTable.Slope(x.Item2.MaxStableSlope, x.Item2.MaxStableSlopeCi95),
                    x.Item2.TheorySlope.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                    x.Item2.WidthsLeftOut.Count == 0 ? "none" : string.Join(", ", x.Item2.WidthsLeftOut.Keys),
                ])))
            .Heading("Results").Preformatted(table);
        foreach (var (name, r) in summary.Readouts)
        {
            html.Heading($"{name} readout");
            foreach (var (stem, caption, chart) in WidthSweepFigures.For(name, r, summary.Widths))
                html.FigurePng(LineChart.Save(chart, Path.Combine(outDir, "figures", stem)), caption);
        }
        html.Save(Path.Combine(outDir, "report.html"));
    }

    static SortedDictionary<int, double> MedianMsPerStep(IReadOnlyList<BatchTiming> timings) =>
        new(timings.GroupBy(t => t.Width).ToDictionary(g => g.Key, g =>
        {
            var v = g.Select(t => t.MsPerStep).Order().ToArray();
            return v[v.Length / 2];
        }));

    static double? LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Split(' ');
            return double.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
