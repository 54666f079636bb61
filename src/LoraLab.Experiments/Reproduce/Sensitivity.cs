using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Reproduce;

/// <summary>sensitivity.json: the width slopes of every protocol variant (one change from the default each).</summary>
public sealed record SensitivityTable(List<SensitivityRow> Rows);

/// <summary>One variant × readout × init: the edge and η* slopes with their intervals, beside the theory.</summary>
public sealed record SensitivityRow(string Variant, string Readout, string Init, AxisSlopes Slopes);

/// <summary>
/// <c>loralab reproduce --sensitivity</c>: the width search again with steps T ∈ {100, 200} (default 400), teacher
/// shift c ∈ {0.25, 1} (default 0.5) and divergence threshold 100 (default 10), every readout; reported, not tuned.
/// </summary>
public static class Sensitivity
{
    public static readonly (string Name, string Key, double Value)[] Variants =
    [
        ("steps-100", "steps", 100), ("steps-200", "steps", 200),
        ("shift-0.25", "teacher_shift_scale", 0.25), ("shift-1", "teacher_shift_scale", 1),
        ("threshold-100", "divergence_factor", 100),
    ];

    public static SensitivityTable Run(IReadOnlyList<SweepSpec> widthSpecs, SearchResults defaults, ReproduceOptions o, TextWriter log,
        SortedDictionary<string, double> timings, CancellationToken ct)
    {
        var rows = new List<SensitivityRow>();
        Add(rows, "default", defaults);
        foreach (var (name, key, value) in Variants)
        {
            var specs = widthSpecs.Select(spec => ReproduceSpecs.WithBase(spec, name, key, JsonValue.Create(value))).ToList();
            Add(rows, name, ReproduceRun.SearchAll(specs, Path.Combine(o.OutDir, "sensitivity"), o, log, timings, ct));
        }
        return new SensitivityTable(rows);
    }

    static void Add(List<SensitivityRow> rows, string variant, SearchResults results)
    {
        foreach (var (readout, byInit) in ReproduceAnalysis.Width(results))
            foreach (var (init, slopes) in byInit)
                rows.Add(new SensitivityRow(variant, readout, init, slopes));
    }

    public static string Render(SensitivityTable table)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Sensitivity: width slopes per protocol variant (mean over seeds [t 95 % interval]); theory beside");
        sb.AppendLine($"{"variant",-14}{"readout",-12}{"init",-5}{"edge slope",-24}{"eta* slope",-24}{"theory",7}");
        foreach (var r in table.Rows)
            sb.AppendLine($"{r.Variant,-14}{r.Readout,-12}{r.Init,-5}{ReproduceTable.Slope(r.Slopes.EdgeSlope, r.Slopes.EdgeSlopeCi95),-24}" +
                          $"{ReproduceTable.Slope(r.Slopes.EtaStarSlope, r.Slopes.EtaStarSlopeCi95),-24}{ReproduceTable.Num(r.Slopes.TheorySlope),7}");
        return sb.ToString();
    }
}
