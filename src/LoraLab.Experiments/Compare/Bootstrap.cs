namespace LoraLab.Experiments.Compare;

/// <summary>Percentile bootstrap of a mean, seeded (System.Random with a fixed seed gives the same draws on every
/// machine and .NET version that keeps its seeded algorithm), so reports are reproducible.</summary>
internal static class Bootstrap
{
    public const int DefaultResamples = 10_000;
    public const int DefaultSeed = 20240607;

    /// <summary>95% percentile interval of the mean of <paramref name="values"/> (e.g. paired differences).</summary>
    public static Interval MeanInterval(IReadOnlyList<double> values, int resamples = DefaultResamples,
                                        int seed = DefaultSeed)
    {
        var n = values.Count;
        var mean = Statistics.Mean(values);
        if (n < 2) return new Interval(mean, mean, mean, n);
        var random = new Random(seed);
        var means = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[random.Next(n)];
            means[b] = sum / n;
        }
        Array.Sort(means);
        return new Interval(mean, Percentile(means, 0.025), Percentile(means, 0.975), n);
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    static double Percentile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
