using System.Text.Json;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The sweep folder: plan.json, runs/&lt;id&gt;/result.json (one file per run, written atomically), summary.csv.
/// One file per run means parallel processes (local jobs, Slurm tasks) never write the same file.
/// </summary>
public sealed class ResultStore(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);
    public string RunsDirectory => Path.Combine(Directory, "runs");
    public string PlanPath => Path.Combine(Directory, SweepPlan.FileName);
    public string SummaryPath => Path.Combine(Directory, "summary.csv");

    public string RunDirectory(string id) => Path.Combine(RunsDirectory, id);
    public string ResultPath(string id) => Path.Combine(RunDirectory(id), "result.json");

    /// <summary>Writes plan.json, or checks that the folder already holds the same plan (same run ids in the same
    /// order). Rewrites nothing when it matches, so concurrent shards agree.</summary>
    public void EnsurePlan(SweepPlan plan)
    {
        var json = plan.ToJson();
        if (File.Exists(PlanPath))
        {
            var existing = SweepPlan.Load(Directory);
            if (!existing.Runs.Select(r => r.Id).SequenceEqual(plan.Runs.Select(r => r.Id)))
                throw new LoraLabException(
                    $"{PlanPath} holds a different sweep ('{existing.Name}', {existing.Runs.Count} runs); " +
                    "use another --out",
                    ExitCodes.Usage);
            return;
        }
        AtomicFile.WriteAllText(PlanPath, json);
    }

    /// <summary>False: result.json files are written without per-step curves (searches of thousands of
    /// probes).</summary>
    public bool KeepCurves { get; init; } = true;

    public void Write(RunResult result) =>
        AtomicFile.WriteAllText(ResultPath(result.Id),
            ConfigJson.Serialize(KeepCurves ? result : result with { Curves = new(StringComparer.Ordinal) }) + "\n");

    /// <summary>For a search sweep: writes plan.json (cells, no probes yet) or checks that the folder holds the same
    /// search (same cells, same search settings), and returns the probes it lists, to be extended.</summary>
    public List<PlannedRun> BeginSearch(SweepPlan plan)
    {
        if (!File.Exists(PlanPath))
        {
            AtomicFile.WriteAllText(PlanPath, plan.ToJson());
            return [];
        }
        var existing = SweepPlan.Load(Directory);
        if (existing.Search is null || existing.Cells is null
            || !existing.Cells.Select(r => r.Id).SequenceEqual(plan.Cells!.Select(r => r.Id))
            || ConfigJson.Serialize(existing.Search) != ConfigJson.Serialize(plan.Search))
            throw new LoraLabException(
                $"{PlanPath} holds a different sweep ('{existing.Name}'); use another --out", ExitCodes.Usage);
        return existing.Runs;
    }

    /// <summary>Rewrites plan.json with the probes found so far (before they run, so child processes find
    /// them).</summary>
    public void WritePlan(SweepPlan plan) => AtomicFile.WriteAllText(PlanPath, plan.ToJson());

    /// <summary>Reads a run's result; a truncated, malformed or mismatched file is reported as corrupt, never
    /// thrown.</summary>
    public ResultRead Read(PlannedRun run)
    {
        var path = ResultPath(run.Id);
        if (!File.Exists(path)) return new ResultRead(run, null, null);
        try
        {
            var result = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), ConfigJson.Options);
            if (result is null) return Corrupt(run, "empty");
            if (result.Id != run.Id) return Corrupt(run, $"id is '{result.Id}'");
            if (!Enum.IsDefined(result.Status)) return Corrupt(run, "bad status");
            return new ResultRead(run, result, null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException
                                       or InvalidOperationException)
        {
            return Corrupt(run, ex.Message.Split(" Path:")[0].ReplaceLineEndings(" "));
        }
    }

    public IReadOnlyList<ResultRead> ReadAll(SweepPlan plan) => plan.Runs.Select(Read).ToList();

    public int RemoveStaleTemps() => AtomicFile.RemoveStaleTemps(RunsDirectory);

    static ResultRead Corrupt(PlannedRun run, string why) =>
        new(run, null, $"runs/{run.Id}/result.json: corrupt ({why})");
}
