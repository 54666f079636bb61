using LoraLab.Experiments.Reproduce;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Reproduce;

/// <summary>--sensitivity runs its variants on the default protocol's widths up to Sensitivity.MaxWidth only, and
/// leaves the quick protocol (widths to 512) as it is.</summary>
public class SensitivityWidthTests
{
    static List<double> Widths(SweepSpec spec) =>
        spec.Grid.Single(a => a.Key == "width").Values.Select(v => v!.GetValue<double>()).ToList();

    [Fact]
    public void DefaultWidthSpecs_CutAtMaxWidth_KeepTheNarrowWidthsAndEveryOtherAxis()
    {
        var specs = ReproduceSpecs.Width(new ReproduceOptions { OutDir = "unused" });
        Assert.Equal([128, 256, 512, 1024, 2048, 4096, 8192], Widths(specs[0]));
        foreach (var spec in specs)
        {
            var cut = ReproduceSpecs.UpToWidth(spec, Sensitivity.MaxWidth);
            Assert.Equal(Widths(spec).Where(w => w <= 1024), Widths(cut));
            Assert.Equal(spec.Grid.Select(a => a.Key), cut.Grid.Select(a => a.Key));
            foreach (var axis in spec.Grid.Where(a => a.Key != "width"))
                Assert.Equal(axis.Values.Select(CanonicalJson.ScalarText),
                    cut.Grid.Single(a => a.Key == axis.Key).Values.Select(CanonicalJson.ScalarText));
            Assert.Equal(spec.Name, cut.Name);
        }
        Assert.Equal([128, 256, 512, 1024], Widths(ReproduceSpecs.UpToWidth(specs[1], Sensitivity.MaxWidth)));
    }

    [Fact]
    public void QuickWidthSpec_IsUnchangedByTheCut()
    {
        var quick = ReproduceSpecs.Width(new ReproduceOptions { OutDir = "unused", Quick = true }).Single();
        Assert.Equal(Widths(quick), Widths(ReproduceSpecs.UpToWidth(quick, Sensitivity.MaxWidth)));
        Assert.Equal([64, 128, 256, 512], Widths(quick));
    }
}
