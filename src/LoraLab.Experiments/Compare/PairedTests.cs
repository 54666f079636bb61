namespace LoraLab.Experiments.Compare;

/// <summary>
/// Exact tests of "no difference" on paired differences (candidate − baseline, one per seed), for the few-seed case
/// where a bootstrap cannot give an interval (n pairs have at most C(2n−1, n) distinct resamples: 3 for n = 2).
/// Both are two-sided and exact: with n pairs the smallest p either can reach is 2 / 2^n (0.5 at n = 2, 0.0625 at
/// n = 5), which the verdict line states so that a reader sees why few seeds cannot be significant by these tests.
/// </summary>
internal static class PairedTests
{
    /// <summary>Exact two-sided sign test: zeros dropped, P(|#positive − m/2| ≥ observed) under Binomial(m,
    /// ½).</summary>
    public static double SignTestP(IReadOnlyList<double> diffs)
    {
        var nonZero = diffs.Where(d => d != 0).ToList();
        int m = nonZero.Count;
        if (m == 0) return 1;
        int positive = nonZero.Count(d => d > 0);
        int extreme = Math.Min(positive, m - positive);
        double tail = 0;
        for (int k = 0; k <= extreme; k++) tail += Binomial(m, k);
        return Math.Min(1, 2 * tail / Math.Pow(2, m));
    }

    /// <summary>Exact two-sided sign-flip permutation test of the mean: the share of the 2^n sign patterns whose
    /// |mean| is at least the observed |mean| (ties count, the observed pattern included). Limited to
    /// <see cref="MaxExactPairs"/> pairs (2^20 patterns); above that, null.</summary>
    public static double? PermutationP(IReadOnlyList<double> diffs)
    {
        int n = diffs.Count;
        if (n == 0) return 1;
        if (n > MaxExactPairs) return null;
        double observed = Math.Abs(diffs.Sum());
        // Relative tolerance so that patterns equal to the observed one up to rounding count as "at least".
        double tolerance = 1e-12 * diffs.Sum(Math.Abs);
        long patterns = 1L << n, atLeast = 0;
        for (long mask = 0; mask < patterns; mask++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += (mask >> i & 1) == 1 ? -diffs[i] : diffs[i];
            if (Math.Abs(sum) >= observed - tolerance) atLeast++;
        }
        return (double)atLeast / patterns;
    }

    /// <summary>The smallest p-value either exact test can give with <paramref name="n"/> pairs: 2 / 2^n.</summary>
    public static double SmallestP(int n) => Math.Min(1, 2 / Math.Pow(2, n));

    public const int MaxExactPairs = 20;

    static double Binomial(int n, int k)
    {
        double c = 1;
        for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return c;
    }
}
