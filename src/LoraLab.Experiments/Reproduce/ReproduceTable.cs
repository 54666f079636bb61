using System.Globalization;
using System.Text;

namespace LoraLab.Experiments.Reproduce;

/// <summary>The plain-text result of <c>loralab reproduce</c> (stdout and table.txt).</summary>
internal static class ReproduceTable
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(ReproduceSummary s)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Width axis: slope of log LR on log n, mean of per-seed slopes over {s.Seeds.Length} seeds " +
                      "[Student-t 95 % interval] (between-seed sd); edge located to a factor " +
                      $"{s.EdgeResolution.ToString("0.####", C)}, {s.Steps} steps, unstable = loss > " +
                      $"{s.DivergenceFactor.ToString(C)} x initial at any step");
        sb.AppendLine($"{"readout",-12}{"init",-5}{"edge slope",-24}{"sd",-7}{"eta* slope",-24}{"sd",-7}" +
                      $"{"theory",7}  eta* flagged");
        foreach (var (readout, byInit) in s.Width)
            foreach (var (init, a) in byInit)
            {
                var edge = Slope(a.EdgeSlope, a.EdgeSlopeCi95);
                var eta = Slope(a.EtaStarSlope, a.EtaStarSlopeCi95);
                sb.AppendLine($"{readout,-12}{init,-5}{edge,-24}{Sd(a.EdgeSlopeSpread),-7}" +
                              $"{eta,-24}{Sd(a.EtaStarSlopeSpread),-7}{Num(a.TheorySlope),7}  " + Flags(a));
            }
        if (s.Rank.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine($"Rank axis at width {s.RankWidth} (layer readout): slope of log LR on log r. Predicted " +
                          "eta* slopes: Chen, Villar & Hayou (arXiv 2602.06204), a paper we could read only in part.");
            sb.AppendLine($"{"setting",-16}{"edge slope",-24}{"eta* slope",-24}{"predicted eta*",15}  eta* flagged");
            foreach (var (setting, a) in s.Rank)
                sb.AppendLine($"{setting,-16}{Slope(a.EdgeSlope, a.EdgeSlopeCi95),-24}" +
                              $"{Slope(a.EtaStarSlope, a.EtaStarSlopeCi95),-24}{Num(a.PredictedSlope),15}  {Flags(a)}");
        }
        if (s.PhaseCheck.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Grid-phase check: the same searches on the LR lattice shifted by half a step; " +
                          "slope inside the interval above?");
            foreach (var (cell, p) in s.PhaseCheck)
                sb.AppendLine($"  {cell,-10} edge {Num(p.EdgeSlope)} ({(p.EdgeAgrees ? "agrees" : "DISAGREES")}), " +
                              $"eta* {Num(p.EtaStarSlope)} ({(p.EtaStarAgrees ? "agrees" : "DISAGREES")})");
        }
        return sb.ToString();
    }

    static string Flags(AxisSlopes a)
    {
        var n = a.EtaStarFlags.Values.Sum();
        var failures = a.Failures.Count == 0
            ? ""
            : "; no result: " + string.Join(", ", a.Failures.Select(kv => $"{kv.Value} {kv.Key}"));
        var flags = string.Join(", ", a.EtaStarFlags.Select(kv => $"{kv.Value} {kv.Key.Split(':')[0]}"));
        return (n == 0 ? "0" : $"{n} ({flags})") + failures;
    }

    static string Sd(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("0.00", C) : "-";

    public static string Num(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("+0.00;-0.00", C) : "-";

    public static string Slope(double? slope, double[]? ci) =>
        slope is { } s ? $"{Num(s)} [{(ci is [var lo, var hi] ? $"{Num(lo)}, {Num(hi)}" : "-")}]" : "- (too few seeds)";
}
