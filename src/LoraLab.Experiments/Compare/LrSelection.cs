using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Compare;

/// <summary>Best-LR selection and LR robustness over one side's LR curve.</summary>
internal static class LrSelection
{
    /// <summary>The eligible LR with the best mean (ties: the smaller LR), or null when none is eligible.</summary>
    public static LrPoint? Best(IReadOnlyList<LrPoint> points, MetricInfo metric)
    {
        LrPoint? best = null;
        foreach (var p in points.Where(p => p.Eligible).OrderBy(p => p.Lr))
            if (best is null || metric.IsBetter(p.Mean, best.Mean)) best = p;
        return best;
    }

    /// <summary>The contiguous band of eligible LRs (in LR order, around the best) whose mean is within
    /// <paramref name="tolerance"/> (relative) of the best; its width in decades is log10(high / low).</summary>
    public static (double Low, double High, double Decades) Band(IReadOnlyList<LrPoint> points, LrPoint best,
        MetricInfo metric, double tolerance = 0.01)
    {
        var sorted = points.OrderBy(p => p.Lr).ToList();
        var at = sorted.IndexOf(best);
        bool Within(LrPoint p) => p.Eligible && Math.Abs(p.Mean - best.Mean) <= tolerance * Math.Abs(best.Mean);
        int lo = at, hi = at;
        while (lo > 0 && Within(sorted[lo - 1])) lo--;
        while (hi < sorted.Count - 1 && Within(sorted[hi + 1])) hi++;
        var low = sorted[lo].Lr;
        var high = sorted[hi].Lr;
        return (low, high, low > 0 ? Math.Log10(high / low) : double.NaN);
    }
}
