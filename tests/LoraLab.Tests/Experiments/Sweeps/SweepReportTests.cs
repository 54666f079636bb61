using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SweepReportTests
{
    [Fact]
    public void Write_SyntheticSweep_SelfContainedHtmlListingDivergedAndFailed()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec("""{"init": ["a", "b"], "lr": [1e-3, 1e-2, 10], "seed": [0, 1]}"""));
        f.Run(plan);
        File.WriteAllText(f.Store.ResultPath(plan.Runs[0].Id), "{");
        var html = File.ReadAllText(SweepReport.Write(f.Store, null));
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains(plan.Runs[4].Id, html);   // lr 10 diverged
        Assert.Contains("corrupt", html);
        Assert.Contains("Best learning rate", html);
        Assert.Equal(4 * 2, Directory.GetFiles(Path.Combine(f.Directory, "figures")).Length);
    }
}
