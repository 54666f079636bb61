using LoraLab.Reports;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>The figures of the reproduce report, as <see cref="ChartSpec"/>s (drawn by LoraLab.Reports).</summary>
public static class WidthSweepFigures
{
    public const string ColorA = "#1f77b4";
    public const string ColorB = "#d62728";

    /// <summary>(file stem, caption, chart) for one readout.</summary>
    public static IEnumerable<(string Name, string Caption, ChartSpec Chart)> For(string readout, ReadoutSummary r, int[] widths)
    {
        yield return ($"lr_vs_width_{readout}", $"{readout} readout: eta* (filled, solid fit) and max stable LR (dashed) vs width; grey dashed: reference slopes (constants for visualisation only).",
            LrVsWidth(readout, r, widths));
        foreach (var (arm, a) in new[] { ("A", r.A), ("B", r.B) })
            yield return ($"loss_vs_lr_{readout}_{arm}", $"{readout} readout, Init[{arm}]: final/initial train loss vs LR per width (geometric mean over seeds; LRs where a seed diverged are omitted).",
                LossVsLr(readout, arm, a));
        foreach (var feature in new[] { "Z_A", "Z_B" })
            yield return ($"features_{readout}_{feature.Replace("_", "").ToLowerInvariant()}", $"{readout} readout: RMS of {feature} over steps at each init's eta*, smallest and largest width (first seed).",
                Features(readout, feature, r));
    }

    static ChartSpec LrVsWidth(string readout, ReadoutSummary r, int[] widths)
    {
        var series = new List<ChartSeries>();
        double[] x = widths.Select(w => (double)w).ToArray();
        foreach (var (arm, a, color) in new[] { ("A", r.A, ColorA), ("B", r.B, ColorB) })
        {
            var fitWidths = widths.Where(w => !a.WidthsLeftOut.ContainsKey(w)).ToArray();
            series.Add(new ChartSeries($"eta* Init[{arm}]", fitWidths.Select(w => (double)w).ToArray(), fitWidths.Select(w => a.OptimalLr[w] ?? double.NaN).ToArray()) { Line = false, Color = color });
            series.Add(new ChartSeries($"max stable Init[{arm}]", x, widths.Select(w => a.MaxStableLr[w] ?? double.NaN).ToArray()) { Dashed = true, Color = color, LineWidth = 1 });
            if (a.Slope is { } slope && fitWidths.Length >= 2)
            {
                var fit = SlopeFit.PowerLaw(fitWidths.Select(w => ((double)w, a.OptimalLr[w] ?? double.NaN)).ToList());
                if (fit is { } f)
                    series.Add(new ChartSeries($"fit Init[{arm}]: slope {slope:+0.00;-0.00}", [x[0], x[^1]],
                        [Math.Exp(f.Intercept) * Math.Pow(x[0], f.Slope), Math.Exp(f.Intercept) * Math.Pow(x[^1], f.Slope)]) { Markers = false, Color = color });
            }
        }
        var anchor = r.A.MaxStableLr[widths[0]] ?? 1e-2;
        series.Add(ChartSeries.PowerLaw("n^-1/2", -0.5, x[0], anchor * 2, x[0], x[^1], "#888888"));
        series.Add(ChartSeries.PowerLaw("n^-1", -1, x[0], anchor * 2, x[0], x[^1], "#444444"));
        if (readout == "scalar") series.Add(ChartSeries.PowerLaw("n^-3/4", -0.75, x[0], anchor * 2, x[0], x[^1], "#aaaaaa"));
        return new ChartSpec($"{readout} readout: learning rate vs width", "width n", "learning rate", series) { LogX = true, LogY = true, XTicks = x };
    }

    static ChartSpec LossVsLr(string readout, string arm, ArmSummary a)
    {
        var series = a.LossVsLr.Select(kv => new ChartSeries($"n={kv.Key}", kv.Value.Select(p => p.Lr).ToArray(),
            kv.Value.Select(p => p.DivergedSeeds > 0 ? double.NaN : p.RelTrain ?? double.NaN).ToArray())).ToList();
        return new ChartSpec($"{readout} readout, Init[{arm}]: final train loss vs LR", "learning rate", "final / initial train loss", series)
        { LogX = true, LogY = true };
    }

    static ChartSpec Features(string readout, string feature, ReadoutSummary r)
    {
        var series = new List<ChartSeries>();
        foreach (var (arm, a, color) in new[] { ("A", r.A, ColorA), ("B", r.B, ColorB) })
        {
            bool first = true;
            foreach (var (w, t) in a.Trajectories)
            {
                var y = feature == "Z_A" ? t.RmsZa : t.RmsZb;
                series.Add(new ChartSeries($"Init[{arm}] n={w} (lr {WidthSweepTable.Num(t.Lr)})", Enumerable.Range(0, y.Length).Select(i => (double)i).ToArray(), y)
                { Markers = false, Color = color, Dashed = first });
                first = false;
            }
        }
        return new ChartSpec($"{readout} readout: RMS {feature} during training", "step", $"RMS {feature}", series) { LogY = true };
    }
}
