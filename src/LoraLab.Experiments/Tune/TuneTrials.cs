using System.Globalization;
using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>One arm of the ladder: an init and one value per spec axis (a label such as
/// <c>init=b, optim.loraplus_ratio=4</c>).</summary>
internal sealed record Arm(string Init, IReadOnlyDictionary<string, JsonNode?> Axes)
{
    public string Label => string.Join(
        ", ", new[] { $"init={Init}" }.Concat(Axes.Select(a => $"{a.Key}={CanonicalJson.ScalarText(a.Value)}")));
}

/// <summary>
/// Turns (arm, LR, steps, seed) into a planned run of the tune's kind: the base config with lora.init, optim.lr,
/// the axes and the seed set, and for a rung shorter than the base the step-counted keys scaled with it (warmup,
/// eval_every, checkpoint_every: a 22-step rung of a 200-step config with 20 warmup steps warms up for 2), so a rung
/// at the full budget is the base config itself. Every run's point has the same keys (init, LR, axes, steps, seed),
/// so a run needed twice (a finalist's first seed is its last-rung run; the baseline may be a trial) has one id.
/// </summary>
internal sealed class TuneTrials(TuneSpec spec, IRunKind kind, JsonObject resolvedBase)
{
    public const string InitKey = "lora.init";
    public const string LrKey = "optim.lr";
    static readonly string[] Scaled = ["schedule.warmup_steps", "eval_every", "checkpoint_every"];

    public int FullSteps { get; } = Int(resolvedBase, "steps") is > 0 and var s
        ? s
        : throw new LoraLabException($"{spec.Name}: tune needs a step count in the config (steps > 0, not epochs): " +
                                     "rungs are fractions of it", ExitCodes.Usage);
    public double BaseLr { get; } = Number(resolvedBase, LrKey)
        ?? throw new LoraLabException($"{spec.Name}: the config has no {LrKey}", ExitCodes.Usage);
    public int BaseSeed { get; } = Int(resolvedBase, "seed") ?? 0;
    /// <summary>finetune trials hold tune.heldout_fraction of the training data out when the config holds
    /// none.</summary>
    public bool HoldsOut { get; } = kind is FinetuneRunKind
        && (Number(resolvedBase, "data.heldout_fraction") ?? 0) == 0;

    /// <summary>The baseline arm: the baseline init with the base config's own axis values.</summary>
    public Arm BaselineArm => new(spec.Settings.BaselineInit,
                                  spec.Axes.ToDictionary(a => a.Key, a => Get(resolvedBase, a.Key)?.DeepClone()));

    public IReadOnlyList<Arm> Arms()
    {
        var arms = new List<Arm>();
        foreach (var init in spec.Settings.LrFind.Inits)
            foreach (var point in spec.Axes.Count == 0 ? [new JsonObject()] : SweepPlanner.Points(spec.Axes))
                arms.Add(new Arm(init, point.ToDictionary(p => p.Key, p => p.Value?.DeepClone())));
        return arms;
    }

    public PlannedRun Run(Arm arm, double lr, int steps, int seed)
    {
        var point = new JsonObject { [InitKey] = arm.Init, [LrKey] = lr };
        foreach (var (key, value) in arm.Axes) point[key] = value?.DeepClone();
        point["steps"] = (double)steps;                                 // doubles: CanonicalJson reads numbers so
        point["seed"] = (double)seed;
        var merged = (JsonObject)spec.Base.DeepClone();
        foreach (var (key, value) in point) SweepPlanner.Set(merged, key, value?.DeepClone());
        if (steps != FullSteps)
        {
            SweepPlanner.Set(merged, "epochs", 0.0);
            foreach (var key in Scaled)
                if (Int(resolvedBase, key) is > 0 and var v)
                    SweepPlanner.Set(merged, key, (double)Math.Max(key == "schedule.warmup_steps" ? 0 : 1,
                                                                   (int)Math.Round((double)v * steps / FullSteps)));
        }
        if (spec.Settings.Prune) SweepPlanner.Set(merged, "monitors.action", "stop");
        if (HoldsOut) SweepPlanner.Set(merged, "data.heldout_fraction", spec.Settings.HeldoutFraction);
        var source = $"{spec.Name} [{SweepPlanner.Describe(point)}]";
        var resolved = SweepPlanner.Resolve(kind, merged, source);
        return new PlannedRun(0, RunId.For(kind.Name, point, resolved), point, resolved);
    }

    /// <summary>The config <c>loralab finetune --config</c> runs for an arm and LR: the spec's base as written (no
    /// pruning, no scaling) with the chosen keys set.</summary>
    public JsonObject Recommended(Arm arm, double lr)
    {
        var config = (JsonObject)spec.Base.DeepClone();
        SweepPlanner.Set(config, InitKey, arm.Init);
        SweepPlanner.Set(config, LrKey, lr);
        foreach (var (key, value) in arm.Axes) SweepPlanner.Set(config, key, value?.DeepClone());
        return config;
    }

    static JsonNode? Get(JsonObject root, string dotted)
    {
        JsonNode? node = root;
        foreach (var part in dotted.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var c) ? c : null;
        return node;
    }

    static double? Number(JsonObject root, string dotted) =>
        Get(root, dotted) is JsonValue v
        && double.TryParse(CanonicalJson.ScalarText(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : null;

    static int? Int(JsonObject root, string dotted) => Number(root, dotted) is { } d ? (int)d : null;

    internal static string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
