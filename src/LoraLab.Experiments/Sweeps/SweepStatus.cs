using System.Text;
using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>Where a sweep folder stands: counts per status, the runs still to do (missing, failed, corrupt), and —
/// when the folder was planned for Slurm — the <c>sbatch --array=...</c> line that resubmits only their
/// shards.</summary>
public sealed record SweepStatus(SweepPlan Plan, IReadOnlyList<ResultRead> Reads, SlurmSettings? Slurm,
                                 string Directory)
{
    public static SweepStatus Of(ResultStore store)
    {
        var plan = SweepPlan.Load(store.Directory);
        return new SweepStatus(plan, store.ReadAll(plan), SlurmSettings.TryLoad(store.Directory), store.Directory);
    }

    public int Count(RunStatus status) => Reads.Count(r => r.Result?.Status == status);
    public IEnumerable<ResultRead> Todo => Reads.Where(r => !r.Finished);
    public bool Complete => !Todo.Any();

    public int ExitCode =>
        Count(RunStatus.Failed) > 0 ? ExitCodes.RunFailed
        : Complete ? ExitCodes.Ok : ExitCodes.Incomplete;

    /// <summary>Shards (of the Slurm plan) holding at least one run to redo, ascending.</summary>
    public IReadOnlyList<int> ShardsToResubmit =>
        Slurm is null ? [] : Todo.Select(r => r.Run.Index % Slurm.Shards).Distinct().Order().ToList();

    public string Format()
    {
        var sb = new StringBuilder();
        int missing = Reads.Count(r => r.Missing), corrupt = Reads.Count(r => r.Corruption is not null);
        sb.AppendLine($"sweep '{Plan.Name}' ({Plan.Kind}) in {Directory}: {Plan.Runs.Count} runs: " +
                      $"{Count(RunStatus.Ok)} ok, {Count(RunStatus.Diverged)} diverged, {Count(RunStatus.Failed)} " +
                      $"failed, {missing} missing, {corrupt} corrupt");
        foreach (var read in Reads.Where(r => r.Result?.Status == RunStatus.Failed))
            sb.AppendLine($"  failed  {read.Run.Id}: {read.Result!.Error}");
        foreach (var read in Reads.Where(r => r.Corruption is not null))
            sb.AppendLine($"  corrupt {read.Corruption}");
        foreach (var read in Reads.Where(r => r.Missing).Take(20))
            sb.AppendLine($"  missing {read.Run.Id}");
        if (missing > 20) sb.AppendLine($"  ... and {missing - 20} more missing");
        if (Slurm is not null && ShardsToResubmit.Count > 0)
            sb.AppendLine($"resubmit: sbatch --array={string.Join(",", ShardsToResubmit)} {Slurm.ScriptPath}");
        else if (Complete)
            sb.AppendLine("complete");
        return sb.ToString();
    }
}
