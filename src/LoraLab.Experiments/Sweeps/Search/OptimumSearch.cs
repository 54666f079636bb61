namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// η* per grid point on the lattice of a <see cref="SearchSpec"/>. Coarse: probe anchor − c, anchor, anchor + c
/// (c = lattice steps per bracket factor) and extend by c beyond whichever end holds the minimum of log metric
/// (unstable = +∞) until it is interior or the range ends. Refine: probe the half steps on both sides of the coarse
/// minimum j*, then fit a quadratic over the stable points of {j* − c, j* − c/2, j*, j* + c/2, j* + c} and take its
/// vertex. A minimum next to an unstable point, a vertex outside the fitted points, a non-convex fit or a minimum at
/// the end of the range is flagged, never hidden. Pure function of what is known (resumable by replay).
/// </summary>
internal static class OptimumSearch
{
    /// <param name="anchor">Where the coarse walk starts: 0, or the edge's largest stable index when the edge is
    /// searched too (then <paramref name="known"/> treats everything from the edge's unstable index up as
    /// unstable).</param>
    public static SearchStep<OptimumResult> Next(SearchSpec spec, Func<int, Probe?> known, int anchor = 0)
    {
        int c = spec.BracketSteps, h = c / 2;
        int lo = Math.Max(anchor - c, Lowest(spec, anchor, c)), hi = Math.Min(anchor + c, Highest(spec, anchor, c));
        int best;
        while (true)
        {
            var need = Window(lo, hi, c).Where(j => known(j) is null).ToArray();
            if (need.Length > 0) return SearchStep<OptimumResult>.Needs(need);
            if (Window(lo, hi, c).Where(j => known(j)!.Failed).Select(j => (int?)j).FirstOrDefault() is { } f)
                return SearchStep<OptimumResult>.Failed($"probe {spec.Value(f):G4} failed");
            best = Window(lo, hi, c).MinBy(j => known(j)!.Score);
            if (double.IsPositiveInfinity(known(best)!.Score))
            {
                if (lo - c < spec.MinIndex)
                    return SearchStep<OptimumResult>.Failed("unstable at every value down to min");
                lo -= c;
                continue;
            }
            if (best == hi && hi + c <= spec.MaxIndex) { hi += c; continue; }
            if (best == lo && lo - c >= spec.MinIndex) { lo -= c; continue; }
            break;
        }
        var around = new[] { best - c, best - h, best, best + h, best + c }.Where(
            j => j >= spec.MinIndex && j <= spec.MaxIndex).ToArray();
        var missing = around.Where(j => known(j) is null).ToArray();
        if (missing.Length > 0) return SearchStep<OptimumResult>.Needs(missing);
        if (around.Where(j => known(j)!.Failed).Select(j => (int?)j).FirstOrDefault() is { } failed)
            return SearchStep<OptimumResult>.Failed($"probe {spec.Value(failed):G4} failed");
        return SearchStep<OptimumResult>.Finished(Fit(spec, known, best, around));
    }

    static OptimumResult Fit(SearchSpec spec, Func<int, Probe?> known, int best, int[] around)
    {
        var stable = around.Where(j => known(j) is { Failed: false } p && double.IsFinite(p.Score)).ToArray();
        var grid = around.MinBy(j => known(j)!.Score);
        double bestValue = spec.Value(grid), bestMetric = known(grid)!.Metric;
        string? flag = null;
        if (best - spec.BracketSteps < spec.MinIndex) flag = "minimum at the bottom of the search range";
        else if (best + spec.BracketSteps > spec.MaxIndex) flag = "minimum at the top of the search range";
        else if (stable.Length < around.Length) flag = "at the stability edge: a neighbour of the minimum is unstable";
        var fit = QuadraticFit.Fit(stable.Select(j => (Math.Log(spec.Value(j)), known(j)!.Score)).ToList());
        if (fit is not { } q || !(q.A > 0))
            return new OptimumResult(bestValue, bestValue, bestMetric, stable.Length,
                                     flag ?? "the fit is not convex: the best probe is reported");
        double x = -q.B / (2 * q.A), xMin = Math.Log(spec.Value(stable[0])), xMax = Math.Log(spec.Value(stable[^1]));
        if (x < xMin || x > xMax) flag ??= "the fitted vertex lies outside the fitted points: clamped";
        return new OptimumResult(Math.Exp(Math.Clamp(x, xMin, xMax)), bestValue, bestMetric, stable.Length, flag);
    }

    static IEnumerable<int> Window(int lo, int hi, int c)
    {
        for (int j = lo; j <= hi; j += c) yield return j;
    }

    // The coarse window stays on the anchor's c-lattice and inside [min, max].
    static int Lowest(SearchSpec spec, int anchor, int c)
    {
        int j = anchor;
        while (j - c >= spec.MinIndex) j -= c;
        return j;
    }

    static int Highest(SearchSpec spec, int anchor, int c)
    {
        int j = anchor;
        while (j + c <= spec.MaxIndex) j += c;
        return j;
    }
}
