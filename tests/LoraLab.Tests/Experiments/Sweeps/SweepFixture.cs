using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>Specs and a sweep folder for the sweep tests (synthetic kind).</summary>
public sealed class SweepFixture : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"loralab-sweep-{Guid.NewGuid():N}");
    public SyntheticRunKind Kind { get; } = new();
    public RunKinds Kinds => RunKinds.Default.With(Kind);
    public ResultStore Store => new(Directory);

    public static SweepSpec Spec(string grid = """{"init": ["a", "b"], "lr": [1e-3, 3e-3, 1e-2], "seed": [0, 1, 2]}""",
        string baseConfig = """{"task": "t1"}""") =>
        SweepSpec.Parse(ConfigLoader.ParseObject(
            $$"""{"name": "test", "kind": "synthetic", "base": {{baseConfig}}, "grid": {{grid}}}""", "spec"), "spec");

    public SweepPlan Plan(SweepSpec? spec = null) => SweepPlanner.Plan(spec ?? Spec(), Kinds);

    public SweepRunSummary Run(SweepPlan plan, ShardSpec? shard = null) =>
        SweepRunner.Run(plan, Store, Kinds, new SweepRunOptions { Shard = shard ?? ShardSpec.All }, TextWriter.Null);

    public string Summary(SweepPlan plan) => SummaryCsv.Build(plan, Store.ReadAll(plan));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }
}
