using System.Globalization;
using System.Text;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// summary.csv: one row per planned run in plan order (never completion order): index, id, the grid axes, status,
/// then every metric (union over runs, ordinal order) as shortest round-trip invariant numbers. No times, hosts or
/// thread counts, so identical results give identical bytes on any machine. Runs without a result say "missing".
/// </summary>
public static class SummaryCsv
{
    public static string Build(SweepPlan plan, IReadOnlyList<ResultRead> reads)
    {
        var metrics = reads.Where(r => r.Result is not null).SelectMany(r => r.Result!.Metrics.Keys)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        Row(sb, ["index", "id", .. plan.Axes, "status", .. metrics]);
        foreach (var read in reads)
        {
            var run = read.Run;
            var status = read.Result is { } result ? EnumNames.Of(result.Status)
                : read.Corruption is null ? "missing" : "corrupt";
            var values = metrics.Select(m =>
                read.Result is { } r && r.Metrics.TryGetValue(m, out var v) ? Number(v) : "");
            Row(sb, [
                run.Index.ToString(CultureInfo.InvariantCulture), run.Id,
                .. plan.Axes.Select(a => CanonicalJson.ScalarText(run.Point[a])), status, .. values,
            ]);
        }
        return sb.ToString();
    }

    /// <summary>Writes DIR/summary.csv atomically; returns the reads so callers can report missing/failed
    /// runs.</summary>
    public static IReadOnlyList<ResultRead> Merge(ResultStore store, out SweepPlan plan)
    {
        plan = SweepPlan.Load(store.Directory);
        var reads = store.ReadAll(plan);
        AtomicFile.WriteAllText(store.SummaryPath, Build(plan, reads));
        return reads;
    }

    public static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    static void Row(StringBuilder sb, IEnumerable<string> cells)
    {
        sb.Append(string.Join(",", cells.Select(Escape)));
        sb.Append('\n');
    }

    static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
