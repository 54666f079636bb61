using System.Globalization;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Compare;

/// <summary>
/// Baseline vs candidate over a sweep (docs/reference/anchors.md §4 item 25: a comparison is only credible when each
/// side gets its own LR sweep). Per group: each side's best LR (diverged LRs excluded), mean and 95% t-interval over
/// seeds there, the paired difference by seed at the two best LRs with its t-interval (and a seeded bootstrap interval
/// from <see cref="MinBootstrapPairs"/> pairs), exact sign and permutation tests, and the LR robustness band.
/// </summary>
public static class SweepComparison
{
    /// <summary>Seed pairs below which equal paired differences are read as "too few seeds", not as
    /// certainty.</summary>
    public const int SmallSample = 10;

    /// <summary>Pairs from which a percentile bootstrap is computed: below it, n pairs have so few distinct
    /// resamples (3 for n = 2, 35 for n = 4) that its "interval" is little more than the range of the data.</summary>
    public const int MinBootstrapPairs = 8;

    /// <summary><paramref name="LrKey"/> and <paramref name="SeedKey"/> are resolved by <see cref="SweepKeys"/>:
    /// "lr" names <c>optim.lr</c> in a finetune sweep.</summary>
    public sealed record Options(string LrKey = "lr", string SeedKey = "seed",
        int Resamples = Bootstrap.DefaultResamples, int BootstrapSeed = Bootstrap.DefaultSeed)
    {
        /// <summary>These options with the LR and seed keys resolved against <paramref name="plan"/> (a key that
        /// names nothing stays as given: a run without it is reported where its value is read).</summary>
        public Options ResolvedFor(SweepPlan plan) => this with
        {
            LrKey = SweepKeys.TryResolve(plan, LrKey, "--lr-key") ?? LrKey,
            SeedKey = SweepKeys.TryResolve(plan, SeedKey, "seed key") ?? SeedKey,
        };
    }

    /// <summary>Compares the runs of the sweep in <paramref name="directory"/> (its plan.json and results), writes
    /// the report as JSON to <paramref name="jsonPath"/> and returns it as a table (<c>loralab compare</c>).</summary>
    public static string CompareFolder(string directory, string baseline, string candidate, string? metricName,
        Options options, string jsonPath)
    {
        var store = new ResultStore(directory);
        var plan = SweepPlan.Load(store.Directory);
        var report = Run(plan, store.ReadAll(plan), baseline, candidate, metricName, options);
        AtomicFile.WriteAllText(jsonPath, ConfigJson.Serialize(report) + "\n");
        return report.FormatTable();
    }

    internal static ComparisonReport Run(SweepPlan plan, IReadOnlyList<ResultRead> reads, string baseline,
        string candidate, string? metricName, Options? options = null)
    {
        options = (options ?? new Options()).ResolvedFor(plan);
        var metric = plan.Metric(metricName);
        var baseSel = Selector.Parse(plan, baseline, "--baseline");
        var candSel = Selector.Parse(plan, candidate, "--candidate");
        var sideKeys = baseSel.Pairs.Concat(candSel.Pairs).Select(s => s.Key).ToHashSet();
        var groupAxes = plan.Axes.Where(a => !sideKeys.Contains(a) && a != options.LrKey && a != options.SeedKey)
            .ToList();
        var baseReads = reads.Where(r => baseSel.Matches(r.Run)).ToList();
        var candReads = reads.Where(r => candSel.Matches(r.Run)).ToList();
        if (baseReads.Count == 0)
            throw new LoraLabException(
                $"--baseline {baseline} matches no run of '{plan.Name}' ({baseSel.Choices(plan)})", ExitCodes.Usage);
        if (candReads.Count == 0)
            throw new LoraLabException(
                $"--candidate {candidate} matches no run of '{plan.Name}' ({candSel.Choices(plan)})", ExitCodes.Usage);
        if (baseReads.Intersect(candReads).Any())
            throw new LoraLabException($"--baseline {baseline} and --candidate {candidate} select the same runs",
                ExitCodes.Usage);
        (baseline, candidate) = (baseSel.Text, candSel.Text);

        string GroupOf(ResultRead r) => groupAxes.Count == 0 ? "(all)"
            : string.Join(", ", groupAxes.Select(a => $"{a}={CanonicalJson.ScalarText(r.Run.Point[a])}"));
        var groups = baseReads.Concat(candReads).OrderBy(r => r.Run.Index).Select(GroupOf).Distinct().ToList();
        var comparisons = groups.Select(g => Compare(g,
            Side(baseline, baseReads.Where(r => GroupOf(r) == g), metric, options),
            Side(candidate, candReads.Where(r => GroupOf(r) == g), metric, options),
            candidate, metric, options)).ToList();
        return new ComparisonReport(plan.Name, metric.Name, metric.Direction, baseline, candidate,
            options.Resamples, options.BootstrapSeed, comparisons);
    }

    /// <summary>One side's LR curve, best LR, interval and LR band over the given runs.</summary>
    internal static SideSummary Side(string selector, IEnumerable<ResultRead> reads, MetricInfo metric, Options options)
    {
        var curve = reads.GroupBy(r => Lr(r.Run, options.LrKey)).OrderBy(g => g.Key).Select(g => new LrPoint(
            g.Key,
            g.Where(r => r.Result is { Status: RunStatus.Ok } res && res.Metrics.ContainsKey(metric.Name))
                .ToDictionary(r => r.Run.Value(options.SeedKey) ?? r.Run.Id, r => r.Result!.Metrics[metric.Name]),
            g.Count(r => r.Result?.Status == RunStatus.Diverged),
            g.Count(r => r.Result?.Status == RunStatus.Failed))).ToList();
        int diverged = curve.Sum(p => p.Diverged), failed = curve.Sum(p => p.Failed);
        var best = LrSelection.Best(curve, metric);
        if (best is null)
            return new SideSummary(selector, curve, BestLr: null, AtBest: null, BandLow: null, BandHigh: null,
                BandDecades: null, diverged, failed);
        var (low, high, decades) = LrSelection.Band(curve, best, metric);
        return new SideSummary(selector, curve, best.Lr, Statistics.MeanInterval(best.Values), low, high, decades,
            diverged, failed);
    }

    static GroupComparison Compare(string group, SideSummary b, SideSummary c, string candidate, MetricInfo metric,
        Options options)
    {
        LrPoint? bBest = b.Curve.FirstOrDefault(p => p.Lr == b.BestLr);
        LrPoint? cBest = c.Curve.FirstOrDefault(p => p.Lr == c.BestLr);
        if (bBest is null || cBest is null || b.BestLr is null || c.BestLr is null)
            return NoVerdict(group, b, c, "a side has no LR without diverged runs");
        var seeds = bBest.BySeed.Keys.Intersect(cBest.BySeed.Keys).Order(StringComparer.Ordinal).ToList();
        var diffs = seeds.Select(s => cBest.BySeed[s] - bBest.BySeed[s]).ToList();
        if (diffs.Count < 2)
            return NoVerdict(group, b, c, $"{diffs.Count} paired seed(s) at the best LRs (need >= 2)");
        var t = Statistics.MeanInterval(diffs);
        Interval? boot = diffs.Count >= MinBootstrapPairs
            ? Bootstrap.MeanInterval(diffs, options.Resamples, options.BootstrapSeed)
            : null;
        double sign = PairedTests.SignTestP(diffs);
        double? permutation = PairedTests.PermutationP(diffs);
        var (verdict, caveat) = Judge(diffs, boot, t, metric);
        var says = verdict switch
        {
            "better" => $"candidate {candidate} is BETTER",
            "worse" => $"candidate {candidate} is WORSE",
            _ => "no significant difference",
        };
        var intervals = boot is { } bi
            ? $"t 95% [{N(t.Low)}, {N(t.High)}], bootstrap 95% [{N(bi.Low)}, {N(bi.High)}]"
            : $"t 95% [{N(t.Low)}, {N(t.High)}] (no bootstrap: it needs >= {MinBootstrapPairs} pairs)";
        var tests = $"sign test p = {N(sign)}, permutation p = {(permutation is { } pp ? N(pp) : "-")}" +
                    (diffs.Count < MinBootstrapPairs
                        ? $" (the smallest p possible with {diffs.Count} pairs is " +
                        $"{N(PairedTests.SmallestP(diffs.Count))})"
                        : "");
        var line = $"{group}: {says}: paired diff (candidate - baseline, each at its best LR) = {N(t.Estimate)}, " +
                   $"{intervals}, n = {diffs.Count} seeds; {tests}{caveat}";
        return new GroupComparison(group, b, c, boot ?? t, t, boot, sign, permutation, verdict, line);
    }

    static GroupComparison NoVerdict(string group, SideSummary b, SideSummary c, string why) =>
        new(group, b, c, PairedDifference: null, PairedDifferenceT: null, PairedDifferenceBootstrap: null,
            SignTestP: null, PermutationP: null, "insufficient-data", $"{group}: no verdict: {why}");

    static string N(double x) => ComparisonReport.N(x);

    /// <summary>
    /// The verdict from the paired differences and their intervals: "better", "worse" or
    /// "no-significant-difference", and a caveat for the verdict line ("" when none). The paired t-interval must
    /// exclude zero; from <see cref="MinBootstrapPairs"/> pairs on, the bootstrap interval must agree.
    /// </summary>
    internal static (string Verdict, string Caveat) Judge(IReadOnlyList<double> diffs, Interval? boot, Interval t,
        MetricInfo metric)
    {
        // Few pairs that happen to be equal (e.g. both seeds 7/872 apart on a dev set) give a zero-width t-interval:
        // that is a coarse metric meeting too few seeds, not certainty, so it is no evidence either way.
        if (diffs.Count < SmallSample && diffs.All(d => d == diffs[0]))
            return ("no-significant-difference",
                $" (all {diffs.Count} paired differences are equal, so the intervals have zero width: " +
                "too few seeds to judge)");
        var significant = t.ExcludesZero && (boot is null || boot.ExcludesZero);
        var verdict = !significant ? "no-significant-difference"
            : metric.IsBetter(t.Estimate, 0) ? "better" : "worse";
        return (verdict, "");
    }

    static double Lr(PlannedRun run, string key)
    {
        var text = run.Value(key)
                   ?? throw new LoraLabException($"run {run.Id} has no '{key}' (use --lr-key)", ExitCodes.Usage);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) ? lr
            : throw new LoraLabException($"run {run.Id}: '{key}' = '{text}' is not a number", ExitCodes.Usage);
    }
}
