using System.Globalization;
using System.Text;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Compare;

/// <summary>The result of <c>loralab compare</c>: per group, both sides and the verdict. Serialized as JSON and printed
/// as a console table.</summary>
internal sealed record ComparisonReport(
    string Sweep,
    string Metric,
    MetricDirection Direction,
    string Baseline,
    string Candidate,
    int BootstrapResamples,
    int BootstrapSeed,
    IReadOnlyList<GroupComparison> Groups)
{
    public string FormatTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"compare '{Sweep}' on {Metric} ({EnumNames.Of(Direction)} is better): " +
                      $"baseline {Baseline} vs candidate {Candidate}");
        sb.AppendLine($"{"group",-24} {"side",-10} {"best lr",-9} {"mean [95% t-CI over seeds]",-34} {"n",3} " +
                      $"{"div",4} {"fail",4}  LR band ±1% (decades)");
        foreach (var g in Groups)
        {
            Side(sb, g.Group, "baseline", g.Baseline);
            Side(sb, "", "candidate", g.Candidate);
            sb.AppendLine($"  {g.VerdictLine}");
        }
        return sb.ToString();
    }

    static void Side(StringBuilder sb, string group, string label, SideSummary s)
    {
        var ci = s.AtBest is { } i ? $"{N(i.Estimate)} [{N(i.Low)}, {N(i.High)}]" : "-";
        var band = s.BandDecades is { } d
            ? $"{d.ToString("0.00", CultureInfo.InvariantCulture)} ({N(s.BandLow!.Value)}..{N(s.BandHigh!.Value)})"
            : "-";
        sb.AppendLine($"{group,-24} {label,-10} {(s.BestLr is { } lr ? N(lr) : "-"),-9} {ci,-34} " +
                      $"{s.AtBest?.N ?? 0,3} {s.Diverged,4} {s.Failed,4}  {band}");
    }

    public static string N(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
