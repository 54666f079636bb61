using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>
/// Test-only run kind with known scaling laws (no torch): a run is stable iff lr ≤ edge = c_seed·width^EdgeExponent,
/// and its final_train_loss is exp(½(ln lr − ln η*)²) with η* = 0.2·width^OptimumExponent·e^(0.05·v(seed, width)),
/// so log loss is exactly quadratic in log lr with its vertex at η*. c_seed and v are fixed pseudo-random numbers.
/// </summary>
public sealed class PowerLawRunKind : IRunKind
{
    public const double EdgeExponent = -0.7;
    public const double OptimumExponent = -0.75;

    public string Name => "power-law";
    public IReadOnlyList<MetricInfo> Metrics { get; } = [new("final_train_loss", MetricDirection.Lower)];
    public IReadOnlyList<string> ExecutionKeys { get; } = ["threads"];
    public bool ConcurrentInProcess => true;

    public int Executions;
    /// <summary>Cancelled after this many executions (a kill mid-search), when set.</summary>
    public (int After, CancellationTokenSource Source)? KillSwitch;

    public static double Edge(int width, long seed) =>
        2 * Math.Exp(0.2 * Noise(seed, 0)) * Math.Pow(width, EdgeExponent);

    public static double Optimum(int width, long seed) =>
        0.2 * Math.Pow(width, OptimumExponent) * Math.Exp(0.05 * Noise(seed, width));

    /// <summary>A fixed number in [−1, 1] per (seed, salt).</summary>
    public static double Noise(long seed, int salt) => new Random((int)(seed * 7919 + salt)).NextDouble() * 2 - 1;

    public JsonObject Resolve(JsonObject merged, string source) =>
        (JsonObject)ConfigJson.ToNode(ConfigLoader.FromTree<SyntheticConfig>(merged, null, source));

    /// <summary>Called at the start of every execution (e.g. another process finishing probes meanwhile).</summary>
    public Action? OnExecute;

    public RunOutcome Execute(JsonObject resolved, RunContext context)
    {
        OnExecute?.Invoke();
        if (KillSwitch is { } kill && Interlocked.Increment(ref Executions) > kill.After)
        {
            kill.Source.Cancel();
            context.CancellationToken.ThrowIfCancellationRequested();
        }
        else if (KillSwitch is null) Interlocked.Increment(ref Executions);
        var c = ConfigLoader.FromTree<SyntheticConfig>(resolved, null, context.RunId);
        var x = Math.Log(c.Lr) - Math.Log(Optimum(c.Width, c.Seed));
        var stable = c.Lr <= Edge(c.Width, c.Seed);
        return new RunOutcome(stable ? RunStatus.Ok : RunStatus.Diverged,
            new Dictionary<string, double> { ["final_train_loss"] = Math.Exp(0.5 * x * x) },
            new Dictionary<string, double[]>());
    }
}
