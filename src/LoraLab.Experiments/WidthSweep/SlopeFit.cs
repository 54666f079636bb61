namespace LoraLab.Experiments.WidthSweep;

/// <summary>Least-squares power-law fits y = c·x^slope (in log–log) and seed-bootstrap intervals.</summary>
public static class SlopeFit
{
    /// <summary>OLS of log y on log x; null with fewer than 2 distinct x.</summary>
    public static (double Slope, double Intercept)? PowerLaw(IReadOnlyList<(double X, double Y)> points)
    {
        var p = points.Where(q => q.X > 0 && q.Y > 0 && double.IsFinite(q.X) && double.IsFinite(q.Y))
            .Select(q => (X: Math.Log(q.X), Y: Math.Log(q.Y))).ToList();
        if (p.Select(q => q.X).Distinct().Count() < 2) return null;
        double mx = p.Average(q => q.X), my = p.Average(q => q.Y);
        double sxy = p.Sum(q => (q.X - mx) * (q.Y - my)), sxx = p.Sum(q => (q.X - mx) * (q.X - mx));
        double slope = sxy / sxx;
        return (slope, my - slope * mx);
    }

    /// <summary>
    /// 95 % percentile interval of the slope over <paramref name="resamples"/> bootstrap resamples of the seeds (drawn
    /// with replacement by a <see cref="Random"/> seeded with <paramref name="rngSeed"/>, so it is reproducible).
    /// <paramref name="pointsFor"/> gives the fit's points for a seed multiset. Null when fewer than half the
    /// resamples give a slope.
    /// </summary>
    public static (double Lo, double Hi)? BootstrapCi(
        IReadOnlyList<long> seeds, Func<IReadOnlyList<long>, IReadOnlyList<(double X, double Y)>> pointsFor, int resamples, int rngSeed)
    {
        var rng = new Random(rngSeed);
        var slopes = new List<double>(resamples);
        for (int b = 0; b < resamples; b++)
        {
            var sample = Enumerable.Range(0, seeds.Count).Select(_ => seeds[rng.Next(seeds.Count)]).ToArray();
            if (PowerLaw(pointsFor(sample)) is { } fit) slopes.Add(fit.Slope);
        }
        if (slopes.Count < resamples / 2) return null;
        slopes.Sort();
        return (Percentile(slopes, 0.025), Percentile(slopes, 0.975));
    }

    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
