using LoraLab.Experiments.WidthSweep;

namespace LoraLab.Tests.Experiments.WidthSweep;

public sealed class LrSelectorTests
{
    static readonly long[] Seeds = [0, 1];

    static List<LrOutcome> Curve(params (double Lr, double Rel, bool Diverged)[] points) =>
        points.SelectMany(p => Seeds.Select(s => new LrOutcome(p.Lr, s, p.Diverged, p.Rel, p.Rel))).ToList();

    [Fact]
    public void Select_DivergedLrWithLowestLoss_IsNeverChosen()
    {
        var outcomes = Curve((1e-3, 0.5, false), (2e-3, 0.1, false), (4e-3, 0.2, false), (8e-3, 0.001, true));
        var s = LrSelector.Select(outcomes, Seeds, 0.5);
        Assert.Equal(2e-3, s.OptimalLrGrid);
        Assert.Equal(4e-3, s.MaxStableLr);
        Assert.True(s.Bracketed);
        Assert.True(s.MaxStableBracketed);
    }

    [Fact]
    public void Select_OneSeedDiverged_MakesThatLrIneligible()
    {
        var outcomes = Curve((1e-3, 0.5, false), (2e-3, 0.3, false), (4e-3, 0.1, false));
        outcomes[4] = outcomes[4] with { Diverged = true };
        var s = LrSelector.Select(outcomes, Seeds, 0.5);
        Assert.Equal(2e-3, s.OptimalLrGrid);
        Assert.Equal(2e-3, s.MaxStableLr);
    }

    [Fact]
    public void Select_MinimumAtGridEdge_IsNotBracketed()
    {
        var s = LrSelector.Select(Curve((1e-3, 0.1, false), (2e-3, 0.2, false), (4e-3, 0.3, false)), Seeds, 0.5);
        Assert.False(s.Bracketed);
        Assert.True(s.AtGridBottom);
        var top = LrSelector.Select(Curve((1e-3, 0.3, false), (2e-3, 0.2, false), (4e-3, 0.1, false)), Seeds, 0.5);
        Assert.False(top.Bracketed);
        Assert.False(top.MaxStableBracketed);
        Assert.True(top.AtGridTop);
    }

    [Fact]
    public void Select_SymmetricParabola_RefinesToTheVertex()
    {
        // log-loss = (log lr − log 3e-3)² sampled at 1e-3·2^k: the vertex is exactly 3e-3
        var lrs = new[] { 1e-3, 2e-3, 4e-3, 8e-3 };
        var outcomes = Curve(lrs.Select(lr => (lr, Math.Exp(Math.Pow(Math.Log(lr / 3e-3), 2)) * 0.01, false)).ToArray());
        var s = LrSelector.Select(outcomes, Seeds, 0.5);
        Assert.Equal(3e-3, s.OptimalLr!.Value, 1e-9);
    }

    [Fact]
    public void Select_BestLossAboveHalf_FlagsBarelyLearns()
    {
        var s = LrSelector.Select(Curve((1e-3, 0.9, false), (2e-3, 0.7, false), (4e-3, 0.8, false)), Seeds, 0.5);
        Assert.True(s.BarelyLearns);
    }

    [Fact]
    public void Select_EverythingDiverged_GivesNoOptimum()
    {
        var s = LrSelector.Select(Curve((1e-3, 0.1, true), (2e-3, 0.1, true)), Seeds, 0.5);
        Assert.Null(s.OptimalLr);
        Assert.Null(s.MaxStableLr);
    }
}
