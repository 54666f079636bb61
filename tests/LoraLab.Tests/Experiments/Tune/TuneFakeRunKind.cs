using System.Globalization;
using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Tests.Experiments.Tune;

/// <summary>
/// A run kind with known answers for tune: the score (lower is better) is (log10(lr/η*))² + 3/steps + seed noise
/// (+ 0.05 for init b, so Init[A] is better at its optimum),
/// η* = 3e-3 for init a and 1e-3 for init b (and × λ^−1/2 with optim.loraplus_ratio λ); an LR above 30 η* diverges.
/// A range-test schedule gives a ramp whose loss is flat, falls around η*/3, is lowest near 3 η* and then rises
/// (the shape of a real LR range test). Accepts any keys.
/// </summary>
public sealed class TuneFakeRunKind : IRunKind
{
    public string Name => "tune-fake";
    public IReadOnlyList<MetricInfo> Metrics { get; } =
        [new("score", MetricDirection.Lower), new("report", MetricDirection.Lower),
         new("steps_completed", MetricDirection.Higher)];
    public IReadOnlyList<string> ExecutionKeys { get; } = ["threads"];

    public int Executions;
    public (int After, CancellationTokenSource Source)? KillSwitch;

    public static double Optimum(string init, double ratio) => (init == "a" ? 3e-3 : 1e-3) / Math.Sqrt(ratio);

    public JsonObject Resolve(JsonObject merged, string source)
    {
        var tree = JsonNode.Parse(merged.ToJsonString())!.AsObject();        // numbers as JSON text, like a real kind
        if (tree["stepz"] is not null) throw new LoraLab.IO.LoraLabException($"{source}: unknown key 'stepz'", 64);
        return tree;
    }

    public RunOutcome Execute(JsonObject resolved, RunContext context)
    {
        if (KillSwitch is { } kill && Interlocked.Increment(ref Executions) > kill.After)
        {
            kill.Source.Cancel();
            context.CancellationToken.ThrowIfCancellationRequested();
        }
        else if (KillSwitch is null) Interlocked.Increment(ref Executions);
        double D(string path, double fallback)
        {
            JsonNode? node = resolved;
            foreach (var part in path.Split('.')) node = (node as JsonObject)?[part];
            return node is JsonValue v ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : fallback;
        }
        var init = resolved["lora"]!["init"]!.GetValue<string>();
        var (lr, steps, seed) = (D("optim.lr", 1e-3), (int)D("steps", 90), (int)D("seed", 0));
        var opt = Optimum(init, D("optim.loraplus_ratio", 1));
        if (resolved["schedule"]?["decay"]?.GetValue<string>() == "range-test")
        {
            var ratio = D("schedule.min_lr_ratio", 1e-6);
            var loss = Enumerable.Range(0, steps).Select(i => lr * Math.Pow(ratio, 1 - (double)i / steps))
                .Select(l => Math.Log10(l / opt))
                .Select(x => 2 - 0.5 * (1 + Math.Tanh(3 * (x + 0.5))) +
                        (x > 0.5 ? 4 * (x - 0.5) * (x - 0.5) : 0)).ToArray();
            return new RunOutcome(RunStatus.Ok, new Dictionary<string, double> { ["steps_completed"] = steps },
                new Dictionary<string, double[]> { ["loss"] = loss });
        }
        if (lr > 30 * opt)
            return new RunOutcome(RunStatus.Diverged, new Dictionary<string, double> { ["steps_completed"] = 1 },
                                  new Dictionary<string, double[]>());
        var noise = new Random(seed * 7919 + (int)Math.Round(1000 * Math.Log10(lr)) + init.Length).NextDouble();
        var score = Math.Pow(Math.Log10(lr / opt), 2) + 3.0 / steps + 0.01 * noise + (init == "b" ? 0.05 : 0);
        return new RunOutcome(RunStatus.Ok,
            new Dictionary<string, double> { ["score"] = score, ["report"] = score + 0.5, ["steps_completed"] = steps },
            new Dictionary<string, double[]>());
    }
}
