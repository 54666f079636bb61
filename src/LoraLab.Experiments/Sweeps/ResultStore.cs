using System.Text.Json;
using LoraLab.Core;
using LoraLab.Core.Config;
using LoraLab.Core.IO;

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
                    $"{PlanPath} holds a different sweep ('{existing.Name}', {existing.Runs.Count} runs); use another --out",
                    ExitCodes.Usage);
            return;
        }
        AtomicFile.WriteAllText(PlanPath, json);
    }

    public void Write(RunResult result) =>
        AtomicFile.WriteAllText(ResultPath(result.Id), ConfigJson.Serialize(result) + "\n");

    /// <summary>Reads a run's result; a truncated, malformed or mismatched file is reported as corrupt, never thrown.</summary>
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
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException or InvalidOperationException)
        {
            return Corrupt(run, ex.Message.Split(" Path:")[0].ReplaceLineEndings(" "));
        }
    }

    public IReadOnlyList<ResultRead> ReadAll(SweepPlan plan) => plan.Runs.Select(Read).ToList();

    public int RemoveStaleTemps() => AtomicFile.RemoveStaleTemps(RunsDirectory);

    static ResultRead Corrupt(PlannedRun run, string why) => new(run, null, $"runs/{run.Id}/result.json: corrupt ({why})");
}
