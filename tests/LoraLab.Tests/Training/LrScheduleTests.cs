using LoraLab.Training.Optim;

namespace LoraLab.Tests.Training;

public sealed class LrScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(4, 0.5)]
    [InlineData(9, 1.0)]       // last warmup step reaches the peak
    [InlineData(10, 1.0)]      // first decay step is the peak
    [InlineData(60, 0.5)]      // halfway down (progress 50/100)
    [InlineData(109, 0.01)]    // last step: 1/100 of the peak, 0 would be reached at step 110
    public void Linear_Warmup10Total110_Factors(int step, double expected)
    {
        var schedule = new LrSchedule { WarmupSteps = 10, Decay = LrDecay.Linear };

        Assert.Equal(expected, schedule.Factor(step, 110), 12);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 0.55)]     // cos(π/2) = 0 → halfway between 1 and 0.1
    [InlineData(100, 0.1)]     // past the end: the floor
    public void Cosine_NoWarmupMinRatio_Factors(int step, double expected)
    {
        var schedule = new LrSchedule { Decay = LrDecay.Cosine, MinLrRatio = 0.1 };

        Assert.Equal(expected, schedule.Factor(step, 100), 12);
    }

    [Fact]
    public void Cosine_QuarterWay_IsHalfCosine()
    {
        var schedule = new LrSchedule { Decay = LrDecay.Cosine };

        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI / 4)), schedule.Factor(25, 100), 12);
    }

    [Fact]
    public void Constant_AfterWarmup_IsOne()
    {
        var schedule = new LrSchedule { WarmupSteps = 4, Decay = LrDecay.Constant };

        Assert.Equal([0.25, 0.5, 0.75, 1, 1, 1, 1], Enumerable.Range(0, 7).Select(s => schedule.Factor(s, 7)));
    }

    [Fact]
    public void Validate_NegativeWarmup_Reported()
    {
        Assert.Contains(new LrSchedule { WarmupSteps = -1 }.Validate(), e => e.Contains("warmup_steps"));
    }
}
