using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SummaryCsvTests
{
    [Fact]
    public void Merge_Twice_SameBytes()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        f.Run(plan);
        SummaryCsv.Merge(f.Store, out _);
        var first = File.ReadAllBytes(f.Store.SummaryPath);
        SummaryCsv.Merge(f.Store, out _);
        Assert.Equal(first, File.ReadAllBytes(f.Store.SummaryPath));
    }

    [Fact]
    public void Merge_CompletionOrderAndShards_DoNotChangeBytes()
    {
        using var a = new SweepFixture();
        using var b = new SweepFixture();
        var plan = a.Plan();
        a.Run(plan);
        // b: shards in reverse order, one run made to look slow/late by rewriting it last
        foreach (var k in new[] { 4, 2, 0, 3, 1 }) b.Run(plan, new ShardSpec(k, 5));
        var late = b.Store.Read(plan.Runs[7]).Result!;
        b.Store.Write(late with { Timing = new RunTiming { StartedUtc = "2099-01-01T00:00:00.000Z", WallSeconds = 999 },
                                  Environment = late.Environment with { Host = "elsewhere", Threads = 64 } });
        Assert.Equal(a.Summary(plan), b.Summary(plan));
    }

    [Fact]
    public void Build_Layout_PlanOrderAxesStatusSortedMetricsNoTimes()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec("""{"lr": [0.001, 100]}"""));
        f.Run(plan);
        var lines = f.Summary(plan).Split('\n');
        Assert.Equal("index,id,lr,status,accuracy,final_test_loss,final_train_loss", lines[0]);
        Assert.StartsWith($"0,{plan.Runs[0].Id},0.001,ok,", lines[0 + 1]);
        Assert.StartsWith($"1,{plan.Runs[1].Id},100,diverged,", lines[2]);
        Assert.Equal("", lines[^1]);
        Assert.DoesNotContain("wall", lines[0]);
    }

    [Fact]
    public void Build_MissingAndCorrupt_MarkedNotThrown()
    {
        using var f = new SweepFixture();
        var plan = f.Plan(SweepFixture.Spec("""{"seed": [0, 1, 2]}"""));
        f.Run(plan, new ShardSpec(0, 2));
        File.WriteAllText(f.Store.ResultPath(plan.Runs[2].Id), "{");
        var csv = f.Summary(plan);
        Assert.Contains(",missing,", csv);
        Assert.Contains(",corrupt,", csv);
    }
}
