using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LoraLab.Reports;

/// <summary>
/// Line charts on ScottPlot 5 with optional log10 axes (the data are plotted as log10 values with a log minor tick
/// generator and 10^k labels, docs/reference/feasibility.md §7). Saves PNG and SVG; returns the PNG bytes for
/// embedding. </summary>
public static class LineChart
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns the PNG bytes.</summary>
    public static byte[] Save(ChartSpec spec, string basePath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(basePath));
        if (dir is not null) Directory.CreateDirectory(dir);
        Build(spec, dashes: true).SavePng(basePath + ".png", spec.Width, spec.Height);
        // Skia's SVG canvas cannot draw dash path effects (it prints "Unsupported path effect" per line), so the SVG
        // shows dashed series as thin solid lines.
        Build(spec, dashes: false).SaveSvg(basePath + ".svg", spec.Width, spec.Height);
        return File.ReadAllBytes(basePath + ".png");
    }

    internal static Plot Build(ChartSpec spec, bool dashes = true)
    {
        var plot = new Plot();
        plot.Title(spec.Title);
        plot.XLabel(spec.XLabel);
        plot.YLabel(spec.YLabel);
        foreach (var s in spec.Series)
            AddSeries(plot, dashes ? s : s with { Dashed = false, LineWidth = s.Dashed ? 0.75f : s.LineWidth }, spec);
        if (spec.XTicks is { Count: > 0 } ticks)
            plot.Axes.Bottom.SetTicks(ticks.Select(t => spec.LogX ? Math.Log10(t) : t).ToArray(),
                ticks.Select(t => t.ToString("G4", CultureInfo.InvariantCulture)).ToArray());
        else if (spec.LogX) plot.Axes.Bottom.TickGenerator = LogTicks();
        if (spec.LogY) plot.Axes.Left.TickGenerator = LogTicks();
        if (spec.Series.Any(s => s.Label.Length > 0)) plot.ShowLegend(Edge.Right);
        return plot;
    }

    static void AddSeries(Plot plot, ChartSeries s, ChartSpec spec)
    {
        var points = s.X.Zip(s.Y)
            .Where(p => Usable(p.First, spec.LogX) && Usable(p.Second, spec.LogY))
            .Select(p => (X: spec.LogX ? Math.Log10(p.First) : p.First, Y: spec.LogY ? Math.Log10(p.Second) : p.Second))
            .ToArray();
        if (points.Length == 0) return;
        var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        scatter.LegendText = s.Label;
        scatter.LineWidth = s.Line ? s.LineWidth : 0;
        scatter.MarkerSize = s.Markers ? 6 : 0;
        if (s.Dashed) scatter.LinePattern = LinePattern.Dashed;
        if (s.Color is not null) scatter.Color = Color.FromHex(s.Color);
    }

    static bool Usable(double v, bool log) => double.IsFinite(v) && (!log || v > 0);

    static NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => "1e" + Math.Round(v).ToString(CultureInfo.InvariantCulture),
    };
}
