using LoraLab.Experiments.WidthSweep;

namespace LoraLab.Tests.Experiments.WidthSweep;

[Collection(TorchCollection.Name)]
public sealed class WidthSweepReproduceTests
{
    static WidthSweepConfig Tiny => new()
    {
        Widths = [16, 32, 64], SeedCount = 2, Steps = 25, TrainPoints = 40, TestPoints = 10, Rank = 2, TeacherRank = 2,
        GridA = new() { Max = 0.5, Count = 6, Factor = 4 }, GridB = new() { Max = 0.5, Count = 6, Factor = 4 },
        BootstrapResamples = 100, MaxGridExtensions = 1,
    };

    [Fact]
    public void Run_SameSeedTwice_IdenticalSummaryJsonAndAllFiles()
    {
        var (dir1, dir2) = (TempDir(), TempDir());
        WidthSweepReproduce.Run(Tiny, dir1, TextWriter.Null, SweepProgress.Silent, CancellationToken.None);
        WidthSweepReproduce.Run(Tiny, dir2, TextWriter.Null, SweepProgress.Silent, CancellationToken.None);
        Assert.Equal(File.ReadAllText(Path.Combine(dir1, "summary.json")), File.ReadAllText(Path.Combine(dir2, "summary.json")));
        foreach (var f in new[] { "timing.json", "report.html", "table.txt", "figures/lr_vs_width_layer.png", "figures/lr_vs_width_scalar.svg" })
            Assert.True(File.Exists(Path.Combine(dir1, f)), f);
        Assert.DoesNotContain("wall", File.ReadAllText(Path.Combine(dir1, "summary.json")));
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(dir1, "report.html")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void QuickProtocol_SameSeedTwice_IdenticalSummaryJson()
    {
        var (dir1, dir2) = (TempDir(), TempDir());
        WidthSweepReproduce.Run(WidthSweepConfig.Quick(), dir1, TextWriter.Null, SweepProgress.Silent, CancellationToken.None);
        WidthSweepReproduce.Run(WidthSweepConfig.Quick(), dir2, TextWriter.Null, SweepProgress.Silent, CancellationToken.None);
        Assert.Equal(File.ReadAllText(Path.Combine(dir1, "summary.json")), File.ReadAllText(Path.Combine(dir2, "summary.json")));
    }

    static string TempDir() => Directory.CreateTempSubdirectory("loralab-widthsweep-").FullName;
}
