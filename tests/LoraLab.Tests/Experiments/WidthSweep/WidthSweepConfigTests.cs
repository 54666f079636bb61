using LoraLab.Core;
using LoraLab.Experiments.WidthSweep;

namespace LoraLab.Tests.Experiments.WidthSweep;

public sealed class WidthSweepConfigTests
{
    [Fact]
    public void Defaults_MeetTheBenchmarkFloor()
    {
        var c = new WidthSweepConfig();
        Assert.True(c.Widths.Length >= 7 && c.Widths[0] == 128 && c.Widths[^1] == 8192);
        Assert.True(c.GridA.Count >= 12 && c.GridB.Count >= 12 && c.SeedCount >= 3 && c.Readouts.Length == 2);
        Assert.Empty(c.Validate());
        Assert.Empty(WidthSweepConfig.Quick().Validate());
    }

    [Theory]
    [InlineData("gaussian-inits.json")]
    [InlineData("quick-3seeds.json")]
    public void Load_CommittedConfigs_AreValid(string name)
    {
        var c = WidthSweepConfig.Load(Path.Combine(RepoPaths.Root, "configs", "reproduce", name), quick: false, ["seed=5"]);
        Assert.Equal(5, c.Seed);
    }

    [Fact]
    public void Load_UnknownKeyOrBadValue_IsAUsageErrorNamingTheKey()
    {
        var ex = Assert.Throws<LoraLabException>(() => WidthSweepConfig.Load(null, quick: true, ["stepz=3"]));
        Assert.Contains("stepz", ex.Message);
        var bad = Assert.Throws<LoraLabException>(() => WidthSweepConfig.Load(null, quick: true, ["widths=[64,32,16]", "scheme_a=pissa"]));
        Assert.Contains("widths", bad.Message);
        Assert.Contains("init", bad.Message);
    }
}
