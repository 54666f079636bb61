using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The expanded sweep (DIR/plan.json): every run in plan order with its id, grid point and resolved config, plus
/// the kind's metrics. Everything downstream (status, merge, compare, report, Slurm shards) reads this file.
/// </summary>
public sealed record SweepPlan
{
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public List<string> Axes { get; init; } = [];
    public List<MetricInfo> Metrics { get; init; } = [];
    public List<PlannedRun> Runs { get; init; } = [];
    /// <summary>A search sweep's settings; its grid points are <see cref="Cells"/> and <see cref="Runs"/> holds the
    /// probes found so far (appended wave by wave). Null for a plain grid.</summary>
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SearchSpec? Search { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<PlannedRun>? Cells { get; init; }

    public const string FileName = "plan.json";

    public string ToJson() => ConfigJson.Serialize(this) + "\n";

    public static SweepPlan Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new LoraLabException($"{path} not found (not a sweep folder? run 'loralab sweep run' or 'sweep " +
                                       "plan' first)", ExitCodes.Usage);
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(path), ConfigJson.Options)
                   ?? throw new LoraLabException($"{path}: empty plan", ExitCodes.BadInput);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new LoraLabException($"{path}: malformed plan: {ex.Message.Split(" Path:")[0]}",
                                       ExitCodes.BadInput, ex);
        }
    }

    public MetricInfo Metric(string? name) =>
        name is null
            ? Metrics.FirstOrDefault() ?? throw new LoraLabException($"sweep '{Name}' declares no metrics",
                                                                     ExitCodes.Usage)
            : MetricInfo.Find(name, Metrics);
}
