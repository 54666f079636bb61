using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Sweeps;

public class CompareStatisticsTests
{
    static readonly MetricInfo Loss = new("loss", MetricDirection.Lower);
    static readonly MetricInfo Accuracy = new("accuracy", MetricDirection.Higher);

    static LrPoint Point(double lr, double[] values, int diverged = 0) =>
        new(lr, values.Select((v, i) => (v, i)).ToDictionary(p => p.i.ToString(), p => p.v), diverged, 0);

    [Theory]
    [InlineData(1, 12.706)]
    [InlineData(2, 4.303)]
    [InlineData(30, 2.042)]
    [InlineData(60, 2.000)]
    [InlineData(1000, 1.962)]
    public void TQuantile975_KnownValues(int df, double expected) =>
        Assert.Equal(expected, Statistics.TQuantile975(df), 3);

    [Fact]
    public void MeanInterval_ThreeValues_StudentT()
    {
        var ci = Statistics.MeanInterval([1, 2, 3]);
        Assert.Equal(2, ci.Estimate, 12);
        Assert.Equal(2 - 4.303 / Math.Sqrt(3), ci.Low, 9);
        Assert.Equal(2 + 4.303 / Math.Sqrt(3), ci.High, 9);
    }

    [Fact]
    public void MeanInterval_OneValue_Degenerate() =>
        Assert.Equal(new Interval(5, 5, 5, 1), Statistics.MeanInterval([5]));

    [Fact]
    public void Bootstrap_SameSeed_SameInterval_ContainsMean()
    {
        double[] d = [-0.1, -0.12, -0.08, -0.11, -0.09];
        var a = Bootstrap.MeanInterval(d, 2000, 7);
        Assert.Equal(a, Bootstrap.MeanInterval(d, 2000, 7));
        Assert.True(a.Low <= a.Estimate && a.Estimate <= a.High);
        Assert.True(a.High < 0);
        Assert.NotEqual(a, Bootstrap.MeanInterval(d, 2000, 8));
    }

    [Fact]
    public void Bootstrap_ZeroCentredNoise_IntervalCoversZero() =>
        Assert.False(Bootstrap.MeanInterval([0.1, -0.1, 0.05, -0.05, 0.02, -0.02]).ExcludesZero);

    [Fact]
    public void Best_IgnoresLrWithDivergedSeed()
    {
        var curve = new[] { Point(1e-3, [1.0, 1.0]), Point(1e-2, [0.5], diverged: 1), Point(1e-1, [0.8, 0.8]) };
        Assert.Equal(1e-1, LrSelection.Best(curve, Loss)!.Lr);
    }

    [Fact]
    public void Best_HigherIsBetter_PicksMax()
    {
        var curve = new[] { Point(1e-3, [0.7]), Point(1e-2, [0.9]), Point(1e-1, [0.8]) };
        Assert.Equal(1e-2, LrSelection.Best(curve, Accuracy)!.Lr);
    }

    [Fact]
    public void Best_NoEligibleLr_Null() =>
        Assert.Null(LrSelection.Best([Point(1e-3, [], diverged: 2)], Loss));

    [Fact]
    public void Band_WithinOnePercent_ContiguousDecades()
    {
        var curve = new[]
        {
            Point(1e-4, [1.5]), Point(1e-3, [1.0]), Point(1e-2, [1.009]), Point(1e-1, [1.001], diverged: 1),
        };
        var best = LrSelection.Best(curve, Loss)!;
        var (low, high, decades) = LrSelection.Band(curve, best, Loss);
        Assert.Equal((1e-3, 1e-2), (low, high));
        Assert.Equal(1.0, decades, 12);
    }

    [Theory]
    [InlineData("eval_loss", MetricDirection.Lower)]
    [InlineData("perplexity", MetricDirection.Lower)]
    [InlineData("test_accuracy", MetricDirection.Higher)]
    public void MetricInfo_Infer_ByName(string name, MetricDirection direction) =>
        Assert.Equal(direction, MetricInfo.Infer(name));

    [Fact]
    public void MetricInfo_UnknownUndeclared_Throws() =>
        Assert.Throws<LoraLabException>(() => MetricInfo.Find("rms_za", [Loss]));

    [Fact]
    public void Compare_SyntheticSweep_InitBWinsWithIntervalOnBothDirections()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec(
            """{"task": ["t1", "t22"], "init": ["a", "b"], "lr": [1e-3, 3e-3, 1e-2, 3e-2, 10], "seed": [0, 1, 2, 3]}""",
            """{"diverge_above": 1}"""));
        f.Run(plan);
        var reads = f.Store.ReadAll(plan);
        var loss = SweepComparison.Run(plan, reads, "init=a", "init=b", "final_train_loss");
        Assert.Equal(["task=t1", "task=t22"], loss.Groups.Select(g => g.Group));
        foreach (var g in loss.Groups)
        {
            Assert.Equal("better", g.Verdict);
            Assert.Equal(1e-2, g.Candidate.BestLr);
            Assert.Equal(3e-3, g.Baseline.BestLr);
            Assert.Equal(4, g.PairedDifference!.N);
            Assert.True(g.PairedDifference.High < 0);
            // The seed noise is shared by both sides, so each pair differs by the floors and the LR penalty:
            // 0.9 − (1.0 + 0.1·(log10 3e-3 + 2.5)²) = −0.100052…
            Assert.Equal(0.9 - (1.0 + 0.1 * Math.Pow(Math.Log10(3e-3) + 2.5, 2)), g.PairedDifference.Estimate, 9);
            Assert.Equal((4, 4), (g.Baseline.Diverged, g.Candidate.Diverged));   // lr 10 > diverge_above, each seed
        }
        var acc = SweepComparison.Run(plan, reads, "init=a", "init=b", "accuracy");
        Assert.All(acc.Groups, g => Assert.Equal("better", g.Verdict));
        var reversed = SweepComparison.Run(plan, reads, "init=b", "init=a", null);
        Assert.All(reversed.Groups, g => Assert.Equal("worse", g.Verdict));
        Assert.Contains("is WORSE", reversed.FormatTable());
    }

    [Fact]
    public void Judge_EqualPairedDifferencesFromFewSeeds_AreNoEvidence()
    {
        double[] equal = [-0.008, -0.008];
        var (verdict, caveat) = SweepComparison.Judge(equal, Bootstrap.MeanInterval(equal, 1000, 0),
            Statistics.MeanInterval(equal), Accuracy);
        Assert.Equal("no-significant-difference", verdict);
        Assert.Contains("zero width", caveat);

        double[] spread = [-0.008, -0.0081, -0.0079];
        Assert.Equal(("worse", ""), SweepComparison.Judge(spread, Bootstrap.MeanInterval(spread, 1000, 0),
            Statistics.MeanInterval(spread), Accuracy));
    }

    [Fact]
    public void Compare_BadSelector_OneLineErrors()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        var reads = f.Store.ReadAll(plan);
        string Error(string baseline, string candidate) => Assert.Throws<LoraLabException>(() =>
            SweepComparison.Run(plan, reads, baseline, candidate, null)).Message;
        Assert.Contains("matches no run", Error("init=z", "init=b"));
        Assert.Contains("key=value", Error("init", "init=b"));
        Assert.Contains("same runs", Error("init=a", "init=a"));
    }
}
