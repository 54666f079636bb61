using System.Diagnostics;
using System.Globalization;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Reproduce;

/// <summary>
/// <c>loralab reproduce</c>: the width search (OUT/width), the rank search (OUT/rank) and the grid-phase check
/// (OUT/phase) are ordinary search sweeps run by the sweep engine (so a rerun with the same --out resumes after a
/// kill); then summary.json, table.txt, report.html (+ figures/) and timing.json are written from their search.json.
/// With --sensitivity, the width search is repeated for each protocol variant (OUT/sensitivity/&lt;variant&gt;) and
/// sensitivity.json + sensitivity.txt are added.
/// </summary>
public static class ReproduceRun
{
    public static void Run(ReproduceOptions o, TextWriter stdout, TextWriter log, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var load = LoadAverage();
        Directory.CreateDirectory(o.OutDir);
        var widthSpecs = ReproduceSpecs.Width(o);
        var widthSpec = widthSpecs[0];
        var timings = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var width = SearchAll(widthSpecs, o.OutDir, o, log, timings, ct);
        SearchResults? rank = null, phase = null;
        var rankSpec = o.Rank ? ReproduceSpecs.Rank(o) : null;
        if (rankSpec is not null) rank = Search(rankSpec, Path.Combine(o.OutDir, rankSpec.Name), o, log, timings, ct);
        if (o.PhaseCheck)
        {
            var shifted = ReproduceSpecs.PhaseShifted(widthSpec, ["layer"]);
            phase = Search(shifted, Path.Combine(o.OutDir, shifted.Name), o, log, timings, ct);
        }
        var summary = Summarize(widthSpec, width, rankSpec, rank, phase);
        AtomicFile.WriteAllText(Path.Combine(o.OutDir, "summary.json"), ConfigJson.Serialize(summary) + "\n");
        var table = ReproduceTable.Render(summary);
        SensitivityTable? sensitivity = null;
        if (o.Sensitivity)
        {
            sensitivity = Sensitivity.Run(widthSpecs, width, o, log, timings, ct);
            AtomicFile.WriteAllText(Path.Combine(o.OutDir, "sensitivity.json"),
                                    ConfigJson.Serialize(sensitivity) + "\n");
            var text = Sensitivity.Render(sensitivity);
            AtomicFile.WriteAllText(Path.Combine(o.OutDir, "sensitivity.txt"), text);
            table += "\n" + text;
        }
        AtomicFile.WriteAllText(Path.Combine(o.OutDir, "table.txt"), table);
        stdout.Write(table);
        ReproduceReport.Write(summary, width, rank, sensitivity, table, o.OutDir);
        var timing = new ReproduceTiming(Math.Round(clock.Elapsed.TotalSeconds, 1), timings, o.Jobs,
                                         Environment.ProcessorCount, load);
        AtomicFile.WriteAllText(Path.Combine(o.OutDir, "timing.json"), ConfigJson.Serialize(timing) + "\n");
        stdout.WriteLine($"wall time {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s " +
                         $"({o.Jobs} job(s), load {load?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} at " +
                         $"start); files in {o.OutDir}");
    }

    internal static ReproduceSummary Summarize(SweepSpec widthSpec, SearchResults width, SweepSpec? rankSpec,
        SearchResults? rank, SearchResults? phase)
    {
        var widthSlopes = ReproduceAnalysis.Width(width);
        var checks = new SortedDictionary<string, PhaseCheck>(StringComparer.Ordinal);
        if (phase is not null)
            foreach (var (readout, byInit) in ReproduceAnalysis.Width(phase))
                foreach (var (init, shifted) in byInit)
                {
                    var original = widthSlopes[readout][init];
                    checks[$"{readout}.{init}"] = new PhaseCheck(shifted.EdgeSlope, shifted.EtaStarSlope,
                        Inside(shifted.EdgeSlope, original.EdgeSlopeCi95),
                        Inside(shifted.EtaStarSlope, original.EtaStarSlopeCi95));
                }
        var toy = ConfigLoader.FromTree<Toy.ToyRunConfig>(widthSpec.Base, null, widthSpec.Name);
        return new ReproduceSummary
        {
            Seeds = width.Cells.Select(c => (long)SearchAnalysis.Number(c.Point, "seed")).Distinct().Order().ToArray(),
            EdgeResolution = width.Search.Resolution,
            DivergenceFactor = toy.DivergenceFactor,
            Steps = toy.Steps,
            Width = widthSlopes,
            RankWidth = rankSpec is null ? 0 : RankWidth(rankSpec),
            Rank = rank is null ? new(StringComparer.Ordinal) : ReproduceAnalysis.Rank(rank),
            PhaseCheck = checks,
        };
    }

    /// <summary>The rank sweep's width: its spec's base (the toy default when not set).</summary>
    static int RankWidth(SweepSpec rankSpec) =>
        ConfigLoader.FromTree<Toy.ToyRunConfig>(rankSpec.Base, null, rankSpec.Name).Width;

    static bool Inside(double? x, double[]? ci) => x is { } v && ci is [var lo, var hi] && lo <= v && v <= hi;

    /// <summary>Runs several search sweeps (each in DIR/&lt;spec name&gt;) and joins their grid points.</summary>
    internal static SearchResults SearchAll(IReadOnlyList<SweepSpec> specs, string dir, ReproduceOptions o,
        TextWriter log, SortedDictionary<string, double> timings, CancellationToken ct)
    {
        var all = specs.Select(spec => Search(spec, Path.Combine(dir, spec.Name), o, log, timings, ct)).ToList();
        return all[0] with { Cells = all.SelectMany(r => r.Cells).ToList() };
    }

    /// <summary>Runs (or resumes) one search sweep in <paramref name="dir"/> and returns its search.json.</summary>
    internal static SearchResults Search(SweepSpec spec, string dir, ReproduceOptions o, TextWriter log,
        SortedDictionary<string, double> timings, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var kinds = RunKinds.Default;
        var plan = SweepPlanner.Plan(spec, kinds, spec.Name);
        var store = new ResultStore(dir) { KeepCurves = false };
        Directory.CreateDirectory(store.Directory);
        AtomicFile.WriteAllText(Path.Combine(store.Directory, "spec.json"), SlurmPlanner.SpecJson(spec));
        var options = new SweepRunOptions { Jobs = o.Jobs, Threads = 1, Pack = 64 };
        var summary = SweepRunner.Run(plan, store, kinds, options, log, ct);
        if (summary.Failed > 0)
            throw new LoraLabException($"{dir}: {summary.Failed} probe(s) failed (see runs/*/result.json); " +
                                       "rerun to retry",
                ExitCodes.RunFailed);
        timings[spec.Name] = Math.Round(clock.Elapsed.TotalSeconds, 1);
        return SearchResults.Load(store.Directory);
    }

    static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

/// <summary>timing.json: wall time in total and per search, jobs, cores, and the 1-minute load average at the start
/// (the machine may be shared). Kept out of summary.json so that file is identical for the same seeds.</summary>
internal sealed record ReproduceTiming(double WallSeconds, SortedDictionary<string, double> SearchSeconds, int Jobs,
    int ProcessorCount, double? LoadAverage1MinAtStart);
