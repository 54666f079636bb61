using System.Text.Json.Nodes;
using LoraLab.Experiments.Toy;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The "toy" kind: one teacher–student LoRA run (<see cref="ToyRun"/>, docs/protocol-width-sweep.md) per grid point.
/// Metrics: final train/test loss, initial loss and final/initial; curves: loss, rms_za, rms_zb, delta_w_norm and the
/// gradient norms of A and B, one entry per step.
/// </summary>
internal sealed class ToyRunKind : IPackableRunKind
{
    public string Name => "toy";

    public IReadOnlyList<MetricInfo> Metrics { get; } =
    [
        new("final_train_loss", MetricDirection.Lower),
        new("final_test_loss", MetricDirection.Lower),
        new("relative_final_loss", MetricDirection.Lower),
        new("initial_loss", MetricDirection.Lower),
    ];

    public IReadOnlyList<string> ExecutionKeys { get; } = ["threads"];

    /// <summary>Toy runs use no global state but the thread count (the factors' draw is locked).</summary>
    public bool ConcurrentInProcess => true;

    public JsonObject Resolve(JsonObject merged, string source)
    {
        // Derived values (scale, init seed, problem spec) are [JsonIgnore]: the tree holds exactly the config keys.
        return (JsonObject)ConfigJson.ToNode(ConfigLoader.FromTree<ToyRunConfig>(merged, null, source));
    }

    public RunOutcome Execute(JsonObject resolved, RunContext context) =>
        Outcome(ToyRun.Execute(Load(resolved, context.RunId, context.Threads), context.CancellationToken));

    /// <summary>Toy runs of one shape (differing only in seed, init and learning rates) are one batch for
    /// <see cref="ToyRun.ExecuteMany"/>; the runs of a seed share its problem (teacher, features H).</summary>
    public string PackKey(JsonObject resolved)
    {
        var shared = (JsonObject)resolved.DeepClone();
        foreach (var varying in new[] { "seed", "init", "lr", "lr_b" }) shared.Remove(varying);
        return CanonicalJson.Serialize(shared);
    }

    /// <summary>Steps × n × (r for the linear readouts' GEMMs; + 40 for layer-relu, whose (n, N) output per run and
    /// step costs about as much as r = 40 would: ToyPassBenchmark, 12 ms vs 0.27·r ms per step at n = 2048).</summary>
    public double Cost(JsonObject resolved)
    {
        var c = ConfigLoader.FromTree<ToyRunConfig>(resolved, null, "cost");
        return (double)c.Steps * c.Width * (c.Rank + (c.Readout == ToyReadout.LayerRelu ? 40 : 0));
    }

    public IReadOnlyList<RunOutcome> ExecutePacked(IReadOnlyList<JsonObject> resolved, int threads,
                                                   CancellationToken ct) =>
        ToyRun.ExecuteMany(resolved.Select((r, i) => Load(r, $"packed run {i}", threads)).ToList(), ct).Select(
            Outcome).ToList();

    static ToyRunConfig Load(JsonObject resolved, string source, int threads) =>
        ConfigLoader.FromTree<ToyRunConfig>(resolved, null, source) with { Threads = threads };

    static RunOutcome Outcome(ToyRunResult r)
    {
        var metrics = new Dictionary<string, double>
        {
            ["final_train_loss"] = r.FinalTrainLoss,
            ["final_test_loss"] = r.FinalTestLoss,
            ["relative_final_loss"] = r.RelativeFinalLoss,
            ["initial_loss"] = r.InitialLoss,
        };
        var curves = new Dictionary<string, double[]>
        {
            ["loss"] = r.Loss,
            ["rms_za"] = r.RmsZa,
            ["rms_zb"] = r.RmsZb,
            ["delta_w_norm"] = r.DeltaWNorm,
            ["grad_norm_a"] = r.GradNormA,
            ["grad_norm_b"] = r.GradNormB,
        };
        return new RunOutcome(r.Diverged ? RunStatus.Diverged : RunStatus.Ok, metrics, curves);
    }
}
