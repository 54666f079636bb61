using LoraLab.Experiments.WidthSweep;

namespace LoraLab.Tests.Experiments.WidthSweep;

public sealed class SlopeFitTests
{
    [Fact]
    public void PowerLaw_ExactData_RecoversSlopeAndConstant()
    {
        var points = new[] { 128.0, 256, 512, 1024 }.Select(n => (n, 3.0 * Math.Pow(n, -0.75))).ToList();
        var fit = SlopeFit.PowerLaw(points)!.Value;
        Assert.Equal(-0.75, fit.Slope, 1e-12);
        Assert.Equal(Math.Log(3.0), fit.Intercept, 1e-12);
    }

    [Fact]
    public void BootstrapCi_NoisySeeds_ContainsTrueSlopeAndIsReproducible()
    {
        // Given per-seed LRs = n^-1 times a seed-specific multiplicative noise
        var rng = new Random(5);
        long[] seeds = [0, 1, 2, 3, 4, 5];
        var widths = new[] { 128.0, 256, 512, 1024, 2048 };
        var noise = seeds.ToDictionary(s => s, _ => widths.ToDictionary(w => w, _ => Math.Exp(0.2 * (rng.NextDouble() - 0.5))));
        IReadOnlyList<(double, double)> Points(IReadOnlyList<long> sample) =>
            widths.Select(w => (w, Math.Exp(sample.Average(s => Math.Log(Math.Pow(w, -1) * noise[s][w]))))).ToList();

        var ci = SlopeFit.BootstrapCi(seeds, Points, 1000, 42)!.Value;
        var again = SlopeFit.BootstrapCi(seeds, Points, 1000, 42)!.Value;

        Assert.InRange(-1.0, ci.Lo, ci.Hi);
        Assert.True(ci.Hi - ci.Lo < 0.2);
        Assert.Equal(ci, again);
    }

    [Fact]
    public void PowerLaw_OneWidth_IsNull() => Assert.Null(SlopeFit.PowerLaw([(128, 1e-3), (128, 2e-3)]));
}
