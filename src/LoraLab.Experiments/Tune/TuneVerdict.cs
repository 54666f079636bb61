using System.Globalization;
using System.Text.Json.Nodes;
using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>The recommendation against the baseline over their seeds, by <see cref="SweepComparison"/> (the same
/// paired interval, tests and verdict as <c>loralab compare</c>) on a plan of just those runs with a "side"
/// key.</summary>
internal static class TuneVerdict
{
    /// <summary>Null when the recommendation is the baseline's own configuration.</summary>
    public static GroupComparison? Compare(TuneSpec spec, IRunKind kind, ResultStore store, MetricInfo metric,
        SeededConfig recommended, SeededConfig baseline, IEnumerable<(string Stage, PlannedRun Run)> runs,
        bool isBaseline)
    {
        if (isBaseline || recommended.FirstSeedRunId == baseline.FirstSeedRunId) return null;
        var chosen = runs.Where(r => r.Stage == "seeds").Select(r => r.Run)
            .Where(r => r.Value(TuneTrials.InitKey) == recommended.Init
                        && double.Parse(r.Value(TuneTrials.LrKey)!, CultureInfo.InvariantCulture) == recommended.Lr
                        && recommended.Axes.All(a => r.Value(a.Key) == a.Value));
        var baselines = runs.Where(r => r.Stage == "baseline").Select(r => r.Run);
        var sided = chosen.Select(r => (Side: "recommended", Run: r))
            .Concat(baselines.Select(r => (Side: "baseline", Run: r)))
            .Select((x, i) => new PlannedRun(i, x.Run.Id, new JsonObject
            {
                ["side"] = x.Side,
                [TuneTrials.LrKey] = x.Run.Point[TuneTrials.LrKey]?.DeepClone(),
                ["seed"] = x.Run.Point["seed"]?.DeepClone(),
            }, WithSide(x.Run.Config, x.Side))).ToList();
        var plan = new SweepPlan
        {
            Name = spec.Name, Kind = kind.Name, Axes = ["side", TuneTrials.LrKey, "seed"],
            Metrics = kind.Metrics.ToList(), Runs = sided,
        };
        var report = SweepComparison.Run(plan, sided.Select(store.Read).ToList(), "side=baseline", "side=recommended",
            metric.Name, new SweepComparison.Options(LrKey: TuneTrials.LrKey));
        return report.Groups.Single();
    }

    /// <summary>A copy of a run's config with "side" set: compare's selectors read configs.</summary>
    static JsonObject WithSide(JsonObject config, string side)
    {
        var copy = (JsonObject)config.DeepClone();
        copy["side"] = side;
        return copy;
    }
}
