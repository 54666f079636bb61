using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Reproduce;

/// <summary>sensitivity.json: the width slopes of every protocol variant (one change from the default each).</summary>
internal sealed record SensitivityTable(List<SensitivityRow> Rows);

/// <summary>One variant × readout × init: the edge and η* slopes with their intervals, beside the theory.</summary>
internal sealed record SensitivityRow(string Variant, string Readout, string Init, AxisSlopes Slopes);

/// <summary>
/// <c>loralab reproduce --sensitivity</c>: the width search again with steps T ∈ {100, 200} (default 400), teacher
/// shift c ∈ {0.25, 1} (default 0.5) and divergence threshold 100 (default 10), every readout; reported, not tuned.
/// The variants run at widths up to <see cref="MaxWidth"/> (n = 2048..8192 hold 88 % of the width search's flops),
/// and each is compared with the default over the same widths: the same probes, read from the default run.
/// </summary>
internal static class Sensitivity
{
    /// <summary>The widest width of the variants (and of the default row they are compared with).</summary>
    public const int MaxWidth = 1024;

    public static readonly (string Name, string Key, double Value)[] Variants =
    [
        ("steps-100", "steps", 100), ("steps-200", "steps", 200),
        ("shift-0.25", "teacher_shift_scale", 0.25), ("shift-1", "teacher_shift_scale", 1),
        ("threshold-100", "divergence_factor", 100),
    ];

    /// <summary>Rows: the default at every width ("all-widths", when wider than <see cref="MaxWidth"/>), the default
    /// up to <see cref="MaxWidth"/>, then each variant up to <see cref="MaxWidth"/>.</summary>
    public static SensitivityTable Run(IReadOnlyList<SweepSpec> widthSpecs, SearchResults defaults, ReproduceOptions o,
        TextWriter log, SortedDictionary<string, double> timings, CancellationToken ct)
    {
        var rows = new List<SensitivityRow>();
        var narrow = defaults with
        {
            Cells = defaults.Cells.Where(c => SearchAnalysis.Number(c.Point, "width") <= MaxWidth).ToList(),
        };
        if (narrow.Cells.Count < defaults.Cells.Count) Add(rows, "all-widths", defaults);
        Add(rows, "default", narrow);
        foreach (var (name, key, value) in Variants)
        {
            var specs = widthSpecs
                .Select(spec => ReproduceSpecs.UpToWidth(spec, MaxWidth))
                .Select(spec => ReproduceSpecs.WithBase(spec, name, key, JsonValue.Create(value)))
                .ToList();
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
        sb.AppendLine($"Sensitivity: width slopes per protocol variant, widths up to {MaxWidth} " +
                      "(mean over seeds [t 95 % interval]); theory beside");
        sb.AppendLine($"{"variant",-14}{"readout",-12}{"init",-5}{"edge slope",-24}{"eta* slope",-24}{"theory",7}");
        foreach (var r in table.Rows)
        {
            var edge = ReproduceTable.Slope(r.Slopes.EdgeSlope, r.Slopes.EdgeSlopeCi95);
            var eta = ReproduceTable.Slope(r.Slopes.EtaStarSlope, r.Slopes.EtaStarSlopeCi95);
            sb.AppendLine($"{r.Variant,-14}{r.Readout,-12}{r.Init,-5}{edge,-24}{eta,-24}" +
                          $"{ReproduceTable.Num(r.Slopes.TheorySlope),7}");
        }
        return sb.ToString();
    }
}
