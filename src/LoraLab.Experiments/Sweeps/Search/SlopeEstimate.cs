namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// A scaling exponent measured per seed: <see cref="PerSeed"/> holds each seed's OLS slope of log y on log x, and
/// <see cref="Slope"/> their mean with a Student-t 95 % interval [<see cref="Low"/>, <see cref="High"/>] over the
/// <see cref="Seeds"/> seeds (df = seeds − 1); <see cref="Spread"/> is the between-seed standard deviation.
/// </summary>
internal sealed record SlopeEstimate(double Slope, double Low, double High, int Seeds, double Spread, double[] PerSeed)
{
    public bool Contains(double x) => Low <= x && x <= High;

    /// <summary>Per-seed slopes from (seed, x, y) points; seeds with fewer than two distinct x are dropped; null
    /// with fewer than two seeds left (no interval without a spread).</summary>
    public static SlopeEstimate? Fit(IEnumerable<(long Seed, double X, double Y)> points)
    {
        var perSeed = points.GroupBy(p => p.Seed).OrderBy(g => g.Key)
            .Select(g => OlsSlope(g.Select(p => (p.X, p.Y)).ToList()))
            .Where(s => s is not null).Select(s => s!.Value).ToArray();
        if (perSeed.Length < 2) return null;
        var interval = Compare.Statistics.MeanInterval(perSeed);
        return new SlopeEstimate(interval.Estimate, interval.Low, interval.High, perSeed.Length,
            Compare.Statistics.StdDev(perSeed), perSeed);
    }

    /// <summary>OLS slope of log y on log x; null with fewer than two distinct positive finite x.</summary>
    public static double? OlsSlope(IReadOnlyList<(double X, double Y)> points)
    {
        var p = points.Where(q => q.X > 0 && q.Y > 0 && double.IsFinite(q.X) && double.IsFinite(q.Y))
            .Select(q => (X: Math.Log(q.X), Y: Math.Log(q.Y))).ToList();
        if (p.Select(q => q.X).Distinct().Count() < 2) return null;
        double mx = p.Average(q => q.X), my = p.Average(q => q.Y);
        double sxy = p.Sum(q => (q.X - mx) * (q.Y - my)), sxx = p.Sum(q => (q.X - mx) * (q.X - mx));
        return sxy / sxx;
    }
}
