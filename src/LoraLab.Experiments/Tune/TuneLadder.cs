using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>The ladder's rules on one rung's trials (arm, LR, result): ranking, promotion, and the first rung's edge
/// extensions.</summary>
internal static class TuneLadder
{
    /// <summary>Ok trials by metric (ties: the smaller LR, then the arm's label), then the rest.</summary>
    public static List<(Arm Arm, double Lr, RunResult Result)> Rank(
        IEnumerable<(Arm Arm, double Lr, RunResult Result)> trials, MetricInfo metric) =>
        trials.OrderBy(t => t.Result.Status == RunStatus.Ok && t.Result.Metrics.ContainsKey(metric.Name) ? 0 : 1)
              .ThenBy(t => t.Result.Metrics.TryGetValue(metric.Name, out var m)
                  ? (metric.Direction == MetricDirection.Lower ? m : -m)
                  : 0)
              .ThenBy(t => t.Lr).ThenBy(t => t.Arm.Label, StringComparer.Ordinal).ToList();

    /// <summary>Per arm whose best ok trial is its highest (lowest) LR tried: the next lattice LR above (below), within
    /// lr-find's range. An arm whose highest LR diverged is not extended up (its best is then below it).</summary>
    public static List<(Arm Arm, double Lr)> EdgeCandidates(List<(Arm Arm, double Lr, RunResult Result)> rung,
        MetricInfo metric, LrFindSettings range)
    {
        var more = new List<(Arm, double)>();
        foreach (var arm in rung.GroupBy(x => x.Arm.Label))
        {
            var ranked = Rank(arm, metric);
            if (ranked[0].Result.Status != RunStatus.Ok) continue;
            var (low, high, best) = (arm.Min(x => x.Lr), arm.Max(x => x.Lr), ranked[0].Lr);
            var next = best == high ? LrLattice.Value(LrLattice.Snap(high) + 1)
                : best == low ? LrLattice.Value(LrLattice.Snap(low) - 1)
                : 0;
            if (next >= range.MinLr && next <= range.MaxLr) more.Add((ranked[0].Arm, next));
        }
        return more;
    }

    /// <summary>The best ⌈n/η⌉ ok trials, and with keep_each_init the best ok trial of every init not among
    /// them.</summary>
    public static List<(Arm Arm, double Lr, RunResult Result)> Promote(
        List<(Arm Arm, double Lr, RunResult Result)> ranked, TuneSettings s)
    {
        var ok = ranked.Where(t => t.Result.Status == RunStatus.Ok).ToList();
        var keep = ok.Take((ranked.Count + s.Eta - 1) / s.Eta).ToList();
        if (s.KeepEachInit)
            foreach (var init in s.LrFind.Inits)
                if (keep.All(k => k.Arm.Init != init)
                    && ok.FirstOrDefault(t => t.Arm.Init == init) is { Arm: not null } extra)
                    keep.Add(extra);
        return keep;
    }
}
