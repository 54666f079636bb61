using LoraLab.Experiments.Compare;

namespace LoraLab.Experiments.Eval;

/// <summary>A paired bootstrap of a difference: the 95% percentile interval and the standard error (SD of the
/// draws).</summary>
internal sealed record BootstrapDifference(double Estimate, double Low, double High, double StandardError,
                                           int Resamples)
{
    public double HalfWidth => (High - Low) / 2;

    /// <summary>The smallest true difference this test set detects with 80% power at two-sided α = 0.05 (normal
    /// approximation): (z₀.₉₇₅ + z₀.₈₀)·SE = 2.80·SE.</summary>
    public double MinimalDetectableEffect => (1.959964 + 0.841621) * StandardError;
}

/// <summary>
/// Paired tests of two models scored on the same examples: the exact McNemar test on discordant pairs, Student's
/// paired t, and a seeded paired bootstrap (examples resampled with replacement, the same draws for both sides).
/// </summary>
internal static class PairedTests
{
    /// <summary>Exact two-sided McNemar p: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, 1/2), at most 1; 1 when
    /// b + c = 0. <paramref name="b"/>, <paramref name="c"/>: examples only the candidate / only the baseline gets
    /// right.</summary>
    public static double McNemarExactP(int b, int c)
    {
        var n = b + c;
        if (n == 0) return 1;
        var k = Math.Min(b, c);
        double logChoose = 0, tail = 0;                                  // log C(n, i), Σ P(X = i) for i ≤ k
        for (var i = 0; i <= k; i++)
        {
            if (i > 0) logChoose += Math.Log(n - i + 1) - Math.Log(i);
            tail += Math.Exp(logChoose - n * Math.Log(2));
        }
        return Math.Min(1, 2 * tail);
    }

    /// <summary>Paired t-test of the mean of <paramref name="differences"/>: t, df and the two-sided p.</summary>
    public static (double Mean, double T, int Df, double P) PairedT(IReadOnlyList<double> differences)
    {
        var n = differences.Count;
        var mean = Statistics.Mean(differences);
        var sd = Statistics.StdDev(differences);
        if (n < 2) return (mean, double.NaN, 0, double.NaN);
        if (sd == 0) return (mean, mean == 0 ? 0 : double.PositiveInfinity * Math.Sign(mean), n - 1, mean == 0 ? 1 : 0);
        var t = mean / (sd / Math.Sqrt(n));
        return (mean, t, n - 1, StudentTwoSidedP(t, n - 1));
    }

    /// <summary>P(|T| ≥ |t|) for Student's t with <paramref name="df"/> degrees of freedom:
    /// I_{df/(df+t²)}(df/2, 1/2).</summary>
    public static double StudentTwoSidedP(double t, int df) =>
        RegularizedIncompleteBeta(df / 2.0, 0.5, df / (df + t * t));

    /// <summary>Paired percentile bootstrap of <paramref name="statistic"/>(indices), a candidate − baseline difference
    /// computed on the resampled examples; the estimate is the statistic on all examples.</summary>
    public static BootstrapDifference Bootstrap(int n, Func<int[], double> statistic, int resamples, int seed)
    {
        var estimate = statistic(Enumerable.Range(0, n).ToArray());
        var random = new Random(seed);
        var draws = new double[resamples];
        var indices = new int[n];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++) indices[i] = random.Next(n);
            draws[r] = statistic(indices);
        }
        var sd = Statistics.StdDev(draws);
        Array.Sort(draws);
        return new BootstrapDifference(estimate, Percentile(draws, 0.025), Percentile(draws, 0.975), sd, resamples);
    }

    static double Percentile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>I_x(a, b) by the continued fraction of Numerical Recipes §6.4 (betacf), relative error
    /// ~1e-12.</summary>
    internal static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(a, b, x) / a
            : 1 - front * ContinuedFraction(b, a, 1 - x) / b;
    }

    static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        var h = d;
        for (var m = 1; m <= 500; m++)
        {
            var m2 = 2 * m;
            foreach (var aa in new[] { m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
                                       -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)) })
            {
                d = 1 + aa * d;
                d = 1 / (Math.Abs(d) < tiny ? tiny : d);
                c = 1 + aa / c;
                if (Math.Abs(c) < tiny) c = tiny;
                h *= d * c;
            }
            if (Math.Abs(d * c - 1) < 1e-14) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; ~15 digits).</summary>
    internal static double LogGamma(double x)
    {
        double[] g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = g[0];
        for (var i = 1; i < 9; i++) sum += g[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
