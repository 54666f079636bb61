namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The stability edge by bracketing and bisection on the lattice of a <see cref="SearchSpec"/>: probe index 0; walk
/// up (stable) or down (unstable) by the bracket factor until the status changes; then bisect the bracket down to one
/// lattice step. A pure function of what is known, so replaying it over the results on disk resumes a search.
/// Assumes stability is monotone in the searched value (stable below the edge, unstable above).
/// </summary>
internal static class EdgeSearch
{
    public static SearchStep<EdgeResult> Next(SearchSpec spec, Func<int, Probe?> known)
    {
        int b = spec.BracketSteps;
        int lo, hi;
        var first = known(0);
        if (first is null) return SearchStep<EdgeResult>.Needs(0);
        if (first.Failed) return SearchStep<EdgeResult>.Failed("the first probe failed");
        if (first.Stable)
        {
            lo = 0;
            while (true)
            {
                int j = lo + b;
                if (j > spec.MaxIndex) return SearchStep<EdgeResult>.Finished(Result(spec, lo, null));
                var p = known(j);
                if (p is null) return SearchStep<EdgeResult>.Needs(j);
                if (p.Failed) return SearchStep<EdgeResult>.Failed($"probe {spec.Value(j):G4} failed");
                if (!p.Stable) { hi = j; break; }
                lo = j;
            }
        }
        else
        {
            hi = 0;
            while (true)
            {
                int j = hi - b;
                if (j < spec.MinIndex) return SearchStep<EdgeResult>.Finished(Result(spec, null, hi));
                var p = known(j);
                if (p is null) return SearchStep<EdgeResult>.Needs(j);
                if (p.Failed) return SearchStep<EdgeResult>.Failed($"probe {spec.Value(j):G4} failed");
                if (p.Stable) { lo = j; break; }
                hi = j;
            }
        }
        while (hi - lo > 1)
        {
            int mid = lo + (hi - lo) / 2;
            var p = known(mid);
            if (p is null) return SearchStep<EdgeResult>.Needs(mid);
            if (p.Failed) return SearchStep<EdgeResult>.Failed($"probe {spec.Value(mid):G4} failed");
            if (p.Stable) lo = mid;
            else hi = mid;
        }
        return SearchStep<EdgeResult>.Finished(Result(spec, lo, hi));
    }

    static EdgeResult Result(SearchSpec spec, int? lo, int? hi)
    {
        double? stable = lo is { } l ? spec.Value(l) : null, unstable = hi is { } h ? spec.Value(h) : null;
        var edge = stable is { } s && unstable is { } u ? Math.Sqrt(s * u) : (stable ?? unstable)!.Value;
        return new EdgeResult(edge, stable, unstable, lo ?? int.MinValue, hi ?? int.MaxValue,
                              lo is not null && hi is not null);
    }
}
