using System.Globalization;
using LoraLab.IO.Config;
using LoraLab.Reports;

namespace LoraLab.Experiments.Eval;

/// <summary>DIR/eval.html: the verdict, both sides' metrics, the paired difference and the tests.</summary>
internal static class EvalHtml
{
    public static HtmlReport Build(EvalReport r)
    {
        var d = r.Difference;
        var html = new HtmlReport($"loralab eval: {r.Candidate.Name} vs {r.Baseline.Name} on {r.Task}")
            .Heading($"Verdict: {EnumNames.Of(r.Verdict)}")
            .Paragraph($"{r.PrimaryMetric} difference (candidate − baseline) {F(d.Estimate)} " +
                       $"[{F(d.Low)}, {F(d.High)}] (95% paired bootstrap, {d.Resamples} resamples, " +
                       $"seed {r.BootstrapSeed}); " +
                       $"half-width {F(d.HalfWidth)}; minimal detectable effect {F(d.MinimalDetectableEffect)}. " +
                       $"{(r.HigherIsBetter ? "Higher" : "Lower")} is better.")
            .Paragraph(r.Rule)
            .Paragraph($"Data: {r.Data}; {r.Examples} examples scored by both.");
        var keys = r.Candidate.Metrics.Keys.ToList();
        html.Heading("Metrics")
            .Table(["side", "adapter", .. keys],
                   [Row("candidate", r.Candidate, keys), Row("baseline", r.Baseline, keys)]);
        var tests = new List<IReadOnlyList<string>>
        {
            new[] { "paired bootstrap, " + r.PrimaryMetric, F(d.Estimate), $"[{F(d.Low)}, {F(d.High)}]", "" },
            new[] { "paired bootstrap, loss", F(r.LossDifference.Estimate),
                    $"[{F(r.LossDifference.Low)}, {F(r.LossDifference.High)}]", "" },
            new[] { $"paired t on per-example loss (t = {F(r.PairedT.T)}, df {r.PairedT.Df})",
                    F(r.PairedT.MeanDifference), "",
                    F(r.PairedT.P) },
        };
        if (r.McNemar is { } m)
            tests.Add([$"exact McNemar (only candidate right {m.CandidateOnlyCorrect}, " +
                       $"only baseline right {m.BaselineOnlyCorrect})",
                       "", "", F(m.P)]);
        return html.Heading("Paired comparison").Table(["test", "candidate − baseline", "95% interval", "p"], tests);
    }

    static IReadOnlyList<string> Row(string role, EvalSide side, List<string> keys) =>
        [role, side.AdapterPath ?? "(base model)", .. keys.Select(k => F(side.Metrics[k]))];

    static string F(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
