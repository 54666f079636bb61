namespace LoraLab.Experiments.Compare;

/// <summary>Pure statistics over seeds: mean, sample standard deviation, Student-t 95% interval of the mean.</summary>
internal static class Statistics
{
    // t_{0.975, df} for df = 1..30 (standard tables).
    static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    public static double Mean(IReadOnlyList<double> xs) =>
        xs.Count == 0 ? double.NaN : xs.Sum() / xs.Count;

    /// <summary>Sample standard deviation (n − 1); NaN for fewer than two values.</summary>
    public static double StdDev(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return double.NaN;
        var m = Mean(xs);
        return Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1));
    }

    /// <summary>The 0.975 quantile of Student's t: table for df ≤ 30, Cornish–Fisher expansion above (error &lt;
    /// 1e-3).</summary>
    public static double TQuantile975(int df)
    {
        if (df < 1) return double.NaN;
        if (df <= T975.Length) return T975[df - 1];
        const double z = 1.959964;
        double z3 = z * z * z, z5 = z3 * z * z;
        return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }

    /// <summary>Mean ± t·s/√n; a single value gives the degenerate interval [x, x].</summary>
    public static Interval MeanInterval(IReadOnlyList<double> xs)
    {
        var m = Mean(xs);
        if (xs.Count < 2) return new Interval(m, m, m, xs.Count);
        var half = TQuantile975(xs.Count - 1) * StdDev(xs) / Math.Sqrt(xs.Count);
        return new Interval(m, m - half, m + half, xs.Count);
    }
}
