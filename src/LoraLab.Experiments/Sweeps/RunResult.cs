using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// DIR/runs/&lt;id&gt;/result.json: the resolved config, status, metrics, per-step curves, the error of a failed run,
/// and where/how long it ran. Only id, point, status and metrics reach summary.csv (never times or environment).
/// </summary>
public sealed record RunResult
{
    public string Id { get; init; } = "";
    public int Index { get; init; }
    public string Kind { get; init; } = "";
    public JsonObject Config { get; init; } = new();
    public RunStatus Status { get; init; }
    public SortedDictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, double[]> Curves { get; init; } = new(StringComparer.Ordinal);
    public string? Error { get; init; }
    public RunEnvironment Environment { get; init; } = new();
    public RunTiming Timing { get; init; } = new();
}
