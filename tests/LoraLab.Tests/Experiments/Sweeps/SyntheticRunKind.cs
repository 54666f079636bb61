using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>
/// Test-only run kind (not in src): deterministic, no torch. loss = 0.1·(log10 lr − opt)² + floor + seed noise, where
/// Init[B] has a lower floor (0.9 vs 1.0) and a larger optimal LR (10^-2 vs 10^-2.5), like the paper's claim.
/// </summary>
public sealed class SyntheticRunKind : IRunKind
{
    public string Name => "synthetic";

    public IReadOnlyList<MetricInfo> Metrics { get; } =
    [
        new("final_train_loss", MetricDirection.Lower),
        new("final_test_loss", MetricDirection.Lower),
        new("accuracy", MetricDirection.Higher),
    ];

    public IReadOnlyList<string> ExecutionKeys { get; } = ["threads"];

    public int Executions;

    public JsonObject Resolve(JsonObject merged, string source) =>
        (JsonObject)ConfigJson.ToNode(ConfigLoader.FromTree<SyntheticConfig>(merged, null, source));

    public RunOutcome Execute(JsonObject resolved, RunContext context)
    {
        Interlocked.Increment(ref Executions);
        var c = ConfigLoader.FromTree<SyntheticConfig>(resolved, null, context.RunId);
        if (c.SleepMs > 0) Thread.Sleep(c.SleepMs);
        if (c.Fail) throw new InvalidOperationException($"synthetic failure in {context.RunId}");
        double opt = c.Init == "b" ? -2 : -2.5, floor = c.Init == "b" ? 0.9 : 1.0;
        var noise = new Random((int)c.Seed * 7919 + c.Task.Length).NextDouble() * 0.01;
        var x = Math.Log10(c.Lr) - opt;
        var loss = 0.1 * x * x + floor + noise;
        var status = c.Lr > c.DivergeAbove ? RunStatus.Diverged : RunStatus.Ok;
        var curve = Enumerable.Range(0, 5).Select(i => loss * (5 - i)).ToArray();
        return new RunOutcome(status,
            new Dictionary<string, double> { ["final_train_loss"] = loss, ["final_test_loss"] = loss * 1.1,
                                            ["accuracy"] = 1 / loss },
            new Dictionary<string, double[]> { ["loss"] = curve, ["rms_za"] = curve, ["rms_zb"] = curve });
    }
}
