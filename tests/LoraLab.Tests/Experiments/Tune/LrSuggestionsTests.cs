using LoraLab.Experiments.Tune;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Experiments.Tune;

/// <summary>The LR range test's arithmetic on synthetic curves whose answers are known by construction.</summary>
public sealed class LrSuggestionsTests
{
    /// <summary>100 LRs from 1e-6 to 1 (log10 = −6 + 6i/99).</summary>
    static readonly double[] Lrs = Enumerable.Range(0, 100).Select(i => Math.Pow(10, -6 + 6.0 * i / 99)).ToArray();

    [Fact]
    public void Smooth_IsTheBiasCorrectedEma()
    {
        Assert.All(LrSuggestions.Smooth([2.5, 2.5, 2.5, 2.5], 0.98), s => Assert.Equal(2.5, s, 12));
        var s = LrSuggestions.Smooth([1.0, 3.0, 5.0], 0.98);
        Assert.Equal(1.0, s[0], 12);
        Assert.Equal((0.98 * 1 + 3) / 1.98, s[1], 12);                        // weights β^(t−i) over their sum
        Assert.Equal((0.98 * 0.98 * 1 + 0.98 * 3 + 5) / (0.98 * 0.98 + 0.98 + 1), s[2], 12);
    }

    [Fact]
    public void Steepest_TanhDrop_IsAtItsInflection()
    {
        // 3 − tanh(2 (log10 lr + 3)): steepest at lr = 1e-3, which lies halfway between points 49 and 50.
        var losses = Lrs.Select(lr => 3 - Math.Tanh(2 * (Math.Log10(lr) + 3))).ToArray();

        var steepest = LrSuggestions.SteepestOf(Lrs, losses);

        Assert.Equal(Lrs[49], steepest.Lr);
        Assert.Equal(LrSuggestions.Steepest, steepest.Rule);
    }

    [Fact]
    public void Minimum_Parabola_IsATenthOfItsVertex()
    {
        var losses = Lrs.Select(lr => Math.Pow(Math.Log10(lr) + 2, 2) + 1).ToArray();   // vertex at point 66 = 1e-2

        var minimum = LrSuggestions.MinimumOf(Lrs, losses);

        Assert.Equal(1e-2, minimum.AtLr, 12);
        Assert.Equal(1e-3, minimum.Lr, 12);
        Assert.Equal(1.0, minimum.AtLoss, 12);
    }

    [Fact]
    public void Valley_FallingThenRising_TwoThirdsAlongTheLongestFall()
    {
        // Ten falling points then two rising: fastai's lds[9] = 10, max_start = 9 − 10 = −1, sections = 10/3,
        // idx = −1 + 3 + 1 = 3.
        double[] losses = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3];

        Assert.Equal(Lrs[3], LrSuggestions.ValleyOf(Lrs[..12], losses).Lr);
    }

    [Fact]
    public void Valley_BumpInsideTheFall_TakesTheLongestDecreasingSubsequence()
    {
        // lds = 1, 2, 1, 3, 4, 4, 5, 1 → max_end 6, max_start 1, sections 5/3, idx = 1 + 1 + 0 = 2.
        double[] losses = [5, 4, 6, 3, 2, 2.5, 1, 7];

        Assert.Equal(Lrs[2], LrSuggestions.ValleyOf(Lrs[..8], losses).Lr);
    }

    [Fact]
    public void Suggest_TrimsTheFirstTenthAndTheLastFive()
    {
        // A minimum inside the dropped tail is not seen: the parabola's vertex at point 97 is past 100 − 5.
        var losses = Lrs.Select(lr => Math.Pow(Math.Log10(lr) + 6 - 6.0 * 97 / 99, 2)).ToArray();

        var minimum = LrSuggestions.Suggest(Lrs, losses, plannedSteps: 100).Single(
            s => s.Rule == LrSuggestions.MinimumOverTen);

        Assert.Equal(Lrs[94], minimum.AtLr, 12);
    }

    [Fact]
    public void Suggest_CurveTooShort_NoSuggestion()
    {
        Assert.Empty(LrSuggestions.Suggest(Lrs[..17], new double[17], plannedSteps: 100));   // 10 dropped + 5 dropped
        Assert.Equal(3, LrSuggestions.Suggest(Lrs[..18], Enumerable.Range(0, 18).Select(i => 10.0 - i).ToArray(),
                                              100).Count);
    }

    [Fact]
    public void RangeTestSchedule_RampsExponentiallyFromMinToMax()
    {
        var settings = new LrFindSettings();                                  // 100 steps, 1e-6 .. 1

        Assert.Equal(1e-6, LrFind.LrAt(settings, 0), 15);
        Assert.Equal(1e-3, LrFind.LrAt(settings, 50), 12);
        // Lightning: max·(min/max)^(1/N) at the last step
        Assert.Equal(Math.Pow(10, -0.06), LrFind.LrAt(settings, 99), 12);
        Assert.Equal(Math.Pow(10, 0.06), LrFind.LrAt(settings, 51) / LrFind.LrAt(settings, 50), 12);
    }

    [Fact]
    public void RangeTestSchedule_NeedsARatioAndNoWarmup()
    {
        Assert.Contains(new LrSchedule { Decay = LrDecay.RangeTest, MinLrRatio = 0 }.Validate(),
                        e => e.Contains("min_lr_ratio"));
        Assert.Contains(new LrSchedule { Decay = LrDecay.RangeTest, MinLrRatio = 1e-6, WarmupSteps = 5 }.Validate(),
            e => e.Contains("warmup_steps"));
        Assert.Empty(new LrSchedule { Decay = LrDecay.RangeTest, MinLrRatio = 1e-6 }.Validate());
    }

    [Fact]
    public void SmoothedLossMonitor_FiresWhereTheSmoothedCurvePassesFourTimesItsMinimum()
    {
        var config = new MonitorConfig { SmoothedLoss = 4, LossSpike = 0, GradSpike = 0 };
        var monitors = new InstabilityMonitors(config, []);
        var losses = Enumerable.Repeat(1.0, 30).Concat(Enumerable.Repeat(40.0, 30)).ToArray();
        var smoothed = LrSuggestions.Smooth(losses, 0.98);
        int expected = Enumerable.Range(1, 59).First(t => smoothed[t] > 4 * smoothed[..t].Min()) + 1;   // 1-based step

        var firstFiring = Enumerable.Range(1, 60)
            .First(step => monitors.CheckStep(step, losses[step - 1], new GradStats(0.1, 0.1, 0, 0.14),
                                              false).Count > 0);

        Assert.Equal(expected, firstFiring);
        Assert.InRange(firstFiring, 32, 40);
    }
}
