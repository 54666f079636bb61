using LoraLab.Experiments.Eval;

namespace LoraLab.Tests.Experiments.Eval;

/// <summary>The paired statistics against values worked out by hand from their definitions and standard
/// tables.</summary>
public sealed class PairedTestsTests
{
    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(10, 0, 0.001953125)]          // 2 · 0.5^10
    [InlineData(3, 8, 0.2265625)]             // 2 · (1 + 11 + 55 + 165) / 2^11
    [InlineData(8, 3, 0.2265625)]             // symmetric
    [InlineData(5, 5, 1.0)]                   // 2 · P(X ≤ 5 | n = 10) = 1.246 → capped
    public void McNemarExactP_HandValues(int b, int c, double expected) =>
        Assert.Equal(expected, PairedTests.McNemarExactP(b, c), 12);

    [Fact]
    public void McNemarExactP_LargeCounts_NoUnderflowToZeroWhereItShouldNot()
    {
        // n = 2000, balanced: p must be ~1, not 0 (0.5^2000 underflows in double; the sum is done in logs).
        Assert.InRange(PairedTests.McNemarExactP(1000, 1000), 0.98, 1.0);
        Assert.InRange(PairedTests.McNemarExactP(900, 1100), 1e-6, 1e-4);   // z = 4.47 → p ≈ 8e-6
    }

    [Theory]
    [InlineData(2.228, 10, 0.05)]             // t_{0.975, 10} = 2.228 (tables)
    [InlineData(12.706, 1, 0.05)]
    [InlineData(2.576, 100000, 0.01)]         // normal limit
    [InlineData(0, 5, 1.0)]
    public void StudentTwoSidedP_TableQuantiles(double t, int df, double expected) =>
        Assert.Equal(expected, PairedTests.StudentTwoSidedP(t, df), 3);

    [Fact]
    public void LogGamma_Factorials() =>
        Assert.Equal(Math.Log(3628800), PairedTests.LogGamma(11), 10);

    [Fact]
    public void PairedT_KnownDifferences()
    {
        // d = 1..5: mean 3, sd √2.5, t = 3 / (√2.5/√5) = 4.2426, df 4, p = 0.01324 (t-table: between 0.01 and 0.02).
        var (mean, t, df, p) = PairedTests.PairedT([1, 2, 3, 4, 5]);
        Assert.Equal(3, mean);
        Assert.Equal(3 * Math.Sqrt(2), t, 10);
        Assert.Equal(4, df);
        Assert.InRange(p, 0.0132, 0.0133);
    }

    [Fact]
    public void Bootstrap_ConstantDifference_DegenerateInterval()
    {
        var r = PairedTests.Bootstrap(50, idx => 0.25, 200, seed: 1);
        Assert.Equal((0.25, 0.25, 0.25, 0.0), (r.Estimate, r.Low, r.High, r.StandardError));
    }

    [Fact]
    public void Bootstrap_MeanOfCoinFlips_IntervalAndMdeScaleAsBinomial()
    {
        // 400 paired ±1 differences, mean 0.1: SE ≈ √((1 − 0.01)/400) = 0.0497; MDE = 2.80 · SE ≈ 0.139.
        var d = Enumerable.Range(0, 400).Select(i => i % 20 < 11 ? 1.0 : -1.0).ToArray();
        var r = PairedTests.Bootstrap(d.Length, idx => idx.Average(i => d[i]), 4000, seed: 7);
        Assert.Equal(0.1, r.Estimate, 12);
        Assert.InRange(r.StandardError, 0.045, 0.055);
        Assert.InRange(r.Low, 0.0, 0.02);
        Assert.InRange(r.MinimalDetectableEffect, 0.125, 0.155);
    }
}
