using System.Globalization;
using System.Text;
using LoraLab.IO;
using LoraLab.Reports;

namespace LoraLab.Experiments.Tune;

/// <summary>lr_find.csv (one row per init and step) and lr_find.html (the smoothed curves on a log-LR axis with the
/// suggestions marked, and a table of them), next to lr_find.json.</summary>
internal static class LrFindReport
{
    public const string CsvFile = "lr_find.csv";
    public const string HtmlFile = "lr_find.html";

    public static void Write(LrFindResult result, string directory)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, CsvFile), Csv(result));
        var html = new HtmlReport($"lr-find: {result.Name}");
        AddTo(html, result, Path.Combine(directory, "figures", "lr_find"));
        AtomicFile.WriteAllText(Path.Combine(directory, HtmlFile), html.Render());
    }

    public static string Csv(LrFindResult result)
    {
        var sb = new StringBuilder("init,step,lr,loss,smoothed_loss\n");
        foreach (var c in result.Curves)
            for (int i = 0; i < c.Loss.Length; i++)
                sb.Append(CultureInfo.InvariantCulture,
                          $"{c.Init},{i + 1},{R(c.Lr[i])},{R(c.Loss[i])},{R(c.Smoothed[i])}\n");
        return sb.ToString();
    }

    /// <summary>The figure and the suggestion table, into <paramref name="html"/> (tune's report reuses it).</summary>
    public static void AddTo(HtmlReport html, LrFindResult result, string figureBase)
    {
        var s = result.Settings;
        html.Paragraph($"One run per init: optim.lr ramps exponentially from {R(s.MinLr)} to {R(s.MaxLr)} over " +
                       $"{s.Steps} steps; the loss is smoothed by an EMA (β = {R(s.Smoothing)}, bias-corrected) and " +
                       $"the run stops when it passes {R(s.StopFactor)} × its minimum. Suggestions as fastai's " +
                       "lr_find (steepest descent, valley, minimum/10), read without the first tenth of the steps " +
                       "and the last 5 points.");
        var series = new List<ChartSeries>();
        foreach (var c in result.Curves)
        {
            series.Add(
                new ChartSeries($"Init[{c.Init.ToUpperInvariant()}] smoothed", c.Lr, c.Smoothed) { Markers = false });
            foreach (var sug in c.Suggestions)
                series.Add(new ChartSeries($"{c.Init.ToUpperInvariant()} {sug.Rule}", [sug.AtLr], [sug.AtLoss])
                {
                    Line = false,
                });
        }
        var chart = new ChartSpec("LR range test", "optim.lr", "smoothed train loss", series) { LogX = true };
        html.FigurePng(LineChart.Save(chart, figureBase),
            "Smoothed train loss against the ramp's LR, per init; markers: where each suggestion was read " +
            "(minimum/10 suggests a tenth of its marker).");
        html.Table(["init", "steps", "ended", "steepest", "valley", "minimum/10"], result.Curves.Select(c =>
            (IReadOnlyList<string>)[c.Init, $"{c.StepsCompleted}/{c.StepsPlanned}", c.StopReason ?? c.Status,
                Lr(c, LrSuggestions.Steepest), Lr(c, LrSuggestions.Valley), Lr(c, LrSuggestions.MinimumOverTen)]));
    }

    static string Lr(LrFindCurve c, string rule) =>
        c.Suggestion(rule) is { } s ? s.Lr.ToString("G3", CultureInfo.InvariantCulture) : "-";

    static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
