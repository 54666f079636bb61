using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>The exact paired tests against values worked out by hand from their definitions, and how compare uses
/// them: t-interval below 8 pairs, bootstrap from 8 on.</summary>
public class PairedTestsTests
{
    static readonly MetricInfo Loss = new("loss", MetricDirection.Lower);

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, 2.0 / 32)]                   // 5 of 5 positive: 2·(1/32)
    [InlineData(new[] { 1.0, 1, 1, 1, 1, 1, 1, 1, -1, -1 }, 112.0 / 1024)] // 8 of 10: 2·(1+10+45)/1024
    [InlineData(new[] { 1.0, -1 }, 1.0)]
    [InlineData(new[] { 0.0, 0, 3 }, 1.0)]                              // zeros dropped: 1 of 1 positive → 2·½
    public void SignTest_ExactBinomial(double[] diffs, double p) =>
        Assert.Equal(p, PairedTests.SignTestP(diffs), 12);

    [Fact]
    public void Permutation_EnumeratesSignPatterns()
    {
        // ±1 ±2 ±3 → sums 6, 4, 2, 0, 0, −2, −4, −6: |sum| ≥ 6 in 2 of 8 patterns.
        Assert.Equal(0.25, PairedTests.PermutationP([1, 2, 3])!.Value, 12);
        // ±1 ±1 ±4: |sum| ≥ |−1 + 1 + 4| = 4 in 6 of 8 (only ±(1 + 1 − 4) give 2).
        Assert.Equal(0.75, PairedTests.PermutationP([-1, 1, 4])!.Value, 12);
        Assert.Equal(PairedTests.SmallestP(2), PairedTests.PermutationP([0.7, 0.45])!.Value, 12);
        Assert.Null(PairedTests.PermutationP(Enumerable.Repeat(1.0, PairedTests.MaxExactPairs + 1).ToList()));
    }

    [Fact]
    public void Judge_FewPairs_TIntervalDecides_NoBootstrap()
    {
        double[] consistent = [0.70, 0.62, 0.75];
        var t = Statistics.MeanInterval(consistent);
        Assert.True(t.ExcludesZero);
        Assert.Equal(("worse", ""), SweepComparison.Judge(consistent, boot: null, t, Loss));
        double[] mixed = [0.70, -0.5, 0.1];
        Assert.Equal("no-significant-difference",
            SweepComparison.Judge(mixed, null, Statistics.MeanInterval(mixed), Loss).Verdict);
    }

    [Fact]
    public void Judge_ManyPairs_BootstrapMustAgreeWithT()
    {
        // Eight pairs whose t-interval excludes zero; a (made-up) bootstrap interval that covers zero vetoes it.
        double[] d = [0.3, 0.2, 0.4, 0.1, 0.3, 0.25, 0.35, 0.15];
        var t = Statistics.MeanInterval(d);
        Assert.Equal("worse", SweepComparison.Judge(d, Bootstrap.MeanInterval(d), t, Loss).Verdict);
        Assert.Equal("no-significant-difference",
            SweepComparison.Judge(d, new Interval(0.26, -0.01, 0.5, 8), t, Loss).Verdict);
    }

    [Fact]
    public void Compare_TwoSeeds_SaysWhyNoBootstrap_AndTheSmallestP()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec("""{"init": ["a", "b"], "lr": [1e-3, 1e-2], "seed": [0, 1]}"""));
        f.Run(plan);
        var g = Assert.Single(SweepComparison.Run(plan, f.Store.ReadAll(plan), "init=a", "init=b", null).Groups);
        Assert.Null(g.PairedDifferenceBootstrap);
        Assert.Equal(g.PairedDifferenceT, g.PairedDifference);
        Assert.Contains("no bootstrap: it needs >= 8 pairs", g.VerdictLine);
        Assert.Contains("the smallest p possible with 2 pairs is 0.5", g.VerdictLine);
        Assert.Equal(0.5, g.PermutationP!.Value, 12);
    }

    [Fact]
    public void Compare_TenSeeds_BootstrapIsTheHeadline()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec(
            """{"init": ["a", "b"], "lr": [1e-3, 1e-2], "seed": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}"""));
        f.Run(plan);
        var g = Assert.Single(SweepComparison.Run(plan, f.Store.ReadAll(plan), "init=a", "init=b", null).Groups);
        Assert.NotNull(g.PairedDifferenceBootstrap);
        Assert.Equal(g.PairedDifferenceBootstrap, g.PairedDifference);
        Assert.Equal(10, g.PairedDifference!.N);
        Assert.Contains("bootstrap 95%", g.VerdictLine);
    }
}
