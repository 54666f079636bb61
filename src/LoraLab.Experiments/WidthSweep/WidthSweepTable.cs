using System.Globalization;
using System.Text;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>The plain-text result table of <c>loralab reproduce</c> (printed on stdout and saved as table.txt).</summary>
public static class WidthSweepTable
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(WidthSweepSummary summary)
    {
        var sb = new StringBuilder();
        foreach (var (name, r) in summary.Readouts)
        {
            sb.AppendLine($"== {name} readout ==");
            sb.AppendLine(Row("width", "eta*[A]", "eta*[B]", "A/B", "max[A]", "max[B]", "A/B", "rmsZa[A]", "rmsZa[B]", "loss*[A]", "loss*[B]"));
            foreach (var w in summary.Widths)
                sb.AppendLine(Row(w.ToString(C), Lr(r.A.OptimalLr[w], r.A, w), Lr(r.B.OptimalLr[w], r.B, w), Num(r.RatioOptimalLr[w]),
                    Num(r.A.MaxStableLr[w]), Num(r.B.MaxStableLr[w]), Num(r.RatioMaxStableLr[w]),
                    Num(r.A.RmsZa[w]), Num(r.B.RmsZa[w]), Num(r.A.RelTrainLossAtOptimum[w]), Num(r.B.RelTrainLossAtOptimum[w])));
            sb.AppendLine("  (* = left out of the fit, ! = eta* not bracketed by the LRs tried; loss* = final/initial train loss at eta*)");
            foreach (var (arm, a) in new[] { ("A", r.A), ("B", r.B) })
            {
                sb.AppendLine($"  slope of eta*      [{arm}] = {Slope(a.Slope, a.SlopeCi95)}   theory (max stable) {a.TheorySlope.ToString("0.##", C)}");
                sb.AppendLine($"  slope of max stable[{arm}] = {Slope(a.MaxStableSlope, a.MaxStableSlopeCi95)}   theory {a.TheorySlope.ToString("0.##", C)}");
                if (a.WidthsLeftOut.Count > 0)
                    sb.AppendLine($"    left out of [{arm}]'s fits: " + string.Join("; ", a.WidthsLeftOut.Select(kv => $"n={kv.Key}: {kv.Value}")));
                if (a.UnbracketedWidths.Length > 0)
                    sb.AppendLine($"    NOT BRACKETED: eta*[{arm}] is at an edge of the LRs tried at n = {string.Join(", ", a.UnbracketedWidths)}");
                if (a.MaxStableUnbracketedWidths.Length > 0)
                    sb.AppendLine($"    max stable[{arm}] is only a lower bound (nothing above it diverged) at n = {string.Join(", ", a.MaxStableUnbracketedWidths)}");
                if (a.Transfer is { } t)
                    sb.AppendLine($"    LR transfer [{arm}]: fit on n = {string.Join(",", t.FitWidths)} predicts eta*({t.TargetWidth}) = {Num(t.PredictedLr)}, measured {Num(t.MeasuredLr)} (ratio {Num(t.MeasuredOverPredicted)})");
                sb.AppendLine($"    diverged runs [{arm}]: {a.DivergedRuns}/{a.Runs} ({a.DivergedFraction.ToString("P1", C)})");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    static string Row(params string[] cells) =>
        string.Concat(cells.Select((c, i) => i == 0 ? c.PadLeft(6) : c.PadLeft(i is 3 or 6 ? 7 : 10)));

    static string Lr(double? lr, ArmSummary a, int w)
    {
        var mark = (a.WidthsLeftOut.ContainsKey(w) ? "*" : "") + (a.UnbracketedWidths.Contains(w) ? "!" : "");
        return Num(lr) + mark;
    }

    internal static string Num(double? v) => v is { } x && double.IsFinite(x)
        ? (Math.Abs(x) >= 0.01 && Math.Abs(x) < 1000 ? x.ToString("0.###", C) : x.ToString("0.0#e+0", C)) : "-";

    internal static string Slope(double? slope, double[]? ci) =>
        slope is { } s ? $"{s.ToString("+0.00;-0.00", C)} [{(ci is null ? "-" : $"{ci[0].ToString("+0.00;-0.00", C)}, {ci[1].ToString("+0.00;-0.00", C)}")}]" : "- (too few widths)";
}
