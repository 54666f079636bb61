using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SweepPlannerTests
{
    [Fact]
    public void Plan_Grid_FirstAxisOutermostLastFastest()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        Assert.Equal(18, plan.Runs.Count);
        Assert.Equal(["init", "lr", "seed"], plan.Axes);
        Assert.StartsWith("init-a_lr-1e-3_s0_", plan.Runs[0].Id);
        Assert.StartsWith("init-a_lr-1e-3_s1_", plan.Runs[1].Id);
        Assert.StartsWith("init-a_lr-3e-3_s0_", plan.Runs[3].Id);
        Assert.StartsWith("init-b_lr-1e-2_s2_", plan.Runs[17].Id);
        Assert.Equal(Enumerable.Range(0, 18), plan.Runs.Select(r => r.Index));
    }

    [Fact]
    public void RunId_SameConfig_IsAFixedSha256NotAProcessHash()
    {
        using var f = new SweepFixture();
        var run = f.Plan().Runs[0];
        // Pinned (checked with Python hashlib over the same canonical text): a change here changes every run id (and so
        // every existing sweep folder).
        Assert.Equal("init-a_lr-1e-3_s0_" + CanonicalJson.Sha256(
            new JsonObject { ["kind"] = "synthetic", ["config"] = run.Config.DeepClone() })[..8], run.Id);
        const string canonical =
            """{"diverge_above":1,"fail":false,"init":"a","lr":0.001,"seed":0,"sleep_ms":0,"task":"t1","width":8}""";
        Assert.Equal(canonical, CanonicalJson.Serialize(run.Config));
        Assert.Equal("init-a_lr-1e-3_s0_05f2b546", run.Id);
    }

    [Fact]
    public void RunId_EquivalentNumbersAndExplicitDefaults_SameId()
    {
        using var f = new SweepFixture();
        var a = f.Plan(SweepFixture.Spec("""{"lr": [1e-3]}"""));
        var b = f.Plan(SweepFixture.Spec("""{"lr": [0.0010]}""", """{"task": "t1", "width": 8, "threads": 7}"""));
        Assert.Equal(a.Runs[0].Id, b.Runs[0].Id);
    }

    [Fact]
    public void RunId_AnyValueDiffers_IdDiffers()
    {
        using var f = new SweepFixture();
        var spec = SweepFixture.Spec("""{"width": [8, 16], "task": ["t1", "t2"]}""");
        var ids = f.Plan(spec).Runs.Select(r => r.Id).ToList();
        Assert.Equal(4, ids.Distinct().Count());
        Assert.StartsWith("width-8_task-t1_", ids[0]);
    }

    [Fact]
    public void Plan_UnknownGridKey_OneLineErrorNamingKey()
    {
        using var f = new SweepFixture();
        var ex = Assert.Throws<LoraLabException>(() => f.Plan(SweepFixture.Spec("""{"lr_x": [1]}""")));
        Assert.Contains("lr_x", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void Plan_InvalidValue_FailsBeforeAnyRun()
    {
        using var f = new SweepFixture();
        var ex = Assert.Throws<LoraLabException>(() => f.Plan(SweepFixture.Spec("""{"init": ["a", "c"]}""")));
        Assert.Contains("init=c", ex.Message);
        Assert.Equal(0, f.Kind.Executions);
    }

    [Theory]
    [InlineData("""{"name": "x", "kind": "synthetic", "grid": {}}""", "grid")]
    [InlineData("""{"name": "x", "kind": "synthetic", "grid": {"lr": []}}""", "lr")]
    [InlineData("""{"name": "x", "kind": "synthetic", "grid": {"lr": [1, 1]}}""", "repeats")]
    [InlineData("""{"name": "x", "grid": {"lr": [1]}}""", "kind")]
    [InlineData("""{"name": "x", "kind": "synthetic", "grid": {"lr": [1]}, "extra": 1}""", "extra")]
    public void Spec_Malformed_OneLineError(string json, string mention)
    {
        var ex = Assert.Throws<LoraLabException>(() =>
            SweepSpec.Parse(LoraLab.IO.Config.ConfigLoader.ParseObject(json, "s.json"), "s.json"));
        Assert.Contains(mention, ex.Message);
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void RunKinds_UnknownKind_ErrorListsKnown()
    {
        var ex = Assert.Throws<LoraLabException>(() => RunKinds.Default.With(new SyntheticRunKind()).Get("nope"));
        Assert.Contains("synthetic", ex.Message);
    }

    [Fact]
    public void ShardSpec_EveryRunInExactlyOneShard_ForNFrom1ToRunsPlus3()
    {
        const int runs = 18;
        for (int n = 1; n <= runs + 3; n++)
        {
            var counts = new int[runs];
            for (int k = 0; k < n; k++)
                for (int i = 0; i < runs; i++)
                    if (ShardSpec.Parse($"{k}/{n}").Contains(i)) counts[i]++;
            Assert.All(counts, c => Assert.Equal(1, c));
        }
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("a/b")]
    [InlineData("1")]
    public void ShardSpec_Invalid_Throws(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<LoraLabException>(() => ShardSpec.Parse(text)).ExitCode);
}
