using LoraLab.Core;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// Runs what is missing from a sweep folder: expands the plan, writes/checks plan.json, removes temp files left by a
/// killed process, skips finished runs (ok/diverged), and executes the rest of the shard — in this process when
/// jobs = 1, otherwise as child processes (<c>loralab sweep run-one</c>), because torch's thread count is
/// process-global and jobs × threads must stay within the cores.
/// </summary>
public static class SweepRunner
{
    public static SweepRunSummary Run(SweepPlan plan, ResultStore store, RunKinds kinds, SweepRunOptions options,
        TextWriter log, CancellationToken ct = default)
    {
        if (options.Jobs < 1) throw new LoraLabException($"--jobs must be >= 1, got {options.Jobs}", ExitCodes.Usage);
        var kind = kinds.Get(plan.Kind);
        store.EnsurePlan(plan);
        store.RemoveStaleTemps();
        var inShard = plan.Runs.Where(r => options.Shard.Contains(r.Index)).ToList();
        var todo = new List<PlannedRun>();
        foreach (var read in inShard.Select(store.Read))
        {
            if (read.Corruption is not null) log.WriteLine($"[sweep] {read.Corruption}; redoing it");
            if (!read.Finished) todo.Add(read.Run);
        }
        var jobs = Math.Min(options.Jobs, Math.Max(1, todo.Count));
        var progress = new SweepProgress(log, inShard.Count, inShard.Count - todo.Count, jobs);
        progress.Note($"'{plan.Name}': {inShard.Count} runs in shard {options.Shard}, {inShard.Count - todo.Count} finished, " +
                      $"{todo.Count} to run ({jobs} job(s) x {options.ThreadsPerJob} thread(s))");
        var results = jobs == 1 || options.Child is null
            ? RunInProcess(todo, kind, store, options.ThreadsPerJob, progress, ct)
            : ChildProcessPool.Run(todo, kind.Name, store, options with { Jobs = jobs }, progress, ct);
        return new SweepRunSummary(inShard.Count, inShard.Count - todo.Count, results.Count,
            results.Count(r => r.Status == RunStatus.Failed), results.Count(r => r.Status == RunStatus.Diverged));
    }

    static List<RunResult> RunInProcess(List<PlannedRun> todo, IRunKind kind, ResultStore store, int threads,
        SweepProgress progress, CancellationToken ct)
    {
        var results = new List<RunResult>();
        foreach (var run in todo)
        {
            ct.ThrowIfCancellationRequested();
            if (store.Read(run).Finished) continue; // finished meanwhile by another process on the same folder
            progress.Started(run);
            var result = RunExecutor.Execute(run, kind, store, threads, ct);
            progress.Finished(run, result);
            results.Add(result);
        }
        return results;
    }

    /// <summary>Runs one planned run by id (the child side of <c>--jobs</c>).</summary>
    public static RunResult RunOne(string directory, string id, RunKinds kinds, int threads, CancellationToken ct = default)
    {
        var store = new ResultStore(directory);
        var plan = SweepPlan.Load(store.Directory);
        var run = plan.Runs.FirstOrDefault(r => r.Id == id)
                  ?? throw new LoraLabException($"{store.PlanPath}: no run '{id}'", ExitCodes.Usage);
        return RunExecutor.Execute(run, kinds.Get(plan.Kind), store, threads, ct);
    }
}
