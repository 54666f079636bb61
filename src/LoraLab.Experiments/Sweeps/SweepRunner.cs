using LoraLab.IO;

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
        if (plan.Search is not null)
            return options.Shard == ShardSpec.All
                ? SearchDriver.Run(plan, store, kinds, options, log, ct)
                : SearchWaves.RunShard(plan, store, kinds, options, log, ct);
        var kind = kinds.Get(plan.Kind);
        CheckPack(kind, options.Pack);
        store.EnsurePlan(plan);
        store.RemoveStaleTemps();
        var inShard = plan.Runs.Where(r => options.Shard.Contains(r.Index)).ToList();
        var todo = new List<PlannedRun>();
        foreach (var read in inShard.Select(store.Read))
        {
            if (read.Corruption is not null) log.WriteLine($"[sweep] {read.Corruption}; redoing it");
            if (!read.Finished) todo.Add(read.Run);
        }
        var packs = Packs(todo, kind, options.Pack);
        var jobs = Math.Min(options.Jobs, Math.Max(1, packs.Count));
        var progress = new SweepProgress(log, inShard.Count, inShard.Count - todo.Count, jobs);
        var packing = options.Pack > 1 ? $", {packs.Count} pass(es) of up to {options.Pack} packed runs" : "";
        progress.Note($"'{plan.Name}': {inShard.Count} runs in shard {options.Shard}, {inShard.Count - todo.Count} " +
                      $"finished, {todo.Count} to run ({jobs} job(s) x {options.ThreadsPerJob} thread(s){packing})");
        var results = Execute(packs, kind, store, options with { Jobs = jobs }, progress, ct, onThreads: false);
        return new SweepRunSummary(inShard.Count, inShard.Count - todo.Count, results.Count,
            results.Count(r => r.Status == RunStatus.Failed), results.Count(r => r.Status == RunStatus.Diverged));
    }

    /// <summary>Usage error unless <paramref name="pack"/> is 1, or > 1 for a kind that can pack.</summary>
    public static void CheckPack(IRunKind kind, int pack)
    {
        if (pack < 1) throw new LoraLabException($"--pack must be >= 1, got {pack}", ExitCodes.Usage);
        if (pack > 1 && kind is not IPackableRunKind)
            throw new LoraLabException($"--pack: runs of kind '{kind.Name}' cannot be packed (packable kinds: toy; " +
                                       "see docs/performance.md, \"Packing K adapters into one pass\")",
                                       ExitCodes.Usage);
    }

    /// <summary>Executes packs of runs: in this process (one after another, or <c>jobs</c> at a time on threads when
    /// the kind allows it and each job has one thread), else as child processes.</summary>
    /// <param name="onThreads">Searches (thousands of short probes) use threads; a grid's runs keep child processes,
    /// whose kill -9 behaviour scripts/kill-test.sh checks.</param>
    internal static List<RunResult> Execute(List<IReadOnlyList<PlannedRun>> packs, IRunKind kind, ResultStore store,
        SweepRunOptions options, SweepProgress progress, CancellationToken ct, bool onThreads = true)
    {
        if (options.Jobs == 1) return RunInProcess(packs, kind, store, options.ThreadsPerJob, progress, ct);
        if (onThreads && kind.ConcurrentInProcess && options.ThreadsPerJob == 1)
        {
            var results = new List<RunResult>[packs.Count];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = ct };
            // Costliest passes first, so that the last ones to finish are short.
            var order = Enumerable.Range(0, packs.Count).OrderByDescending(i => Cost(packs[i], kind)).ToList();
            Parallel.ForEach(order, parallel, i => results[i] = RunInProcess([packs[i]], kind, store, 1, progress, ct));
            return results.SelectMany(r => r).ToList();
        }
        if (options.Child is null) return RunInProcess(packs, kind, store, options.ThreadsPerJob, progress, ct);
        return ChildProcessPool.Run(packs, kind.Name, store, options, progress, ct);
    }

    /// <summary>The units of work: runs grouped by pack key in plan order, up to <paramref name="pack"/> per group
    /// (single runs when packing is off). With <paramref name="jobs"/> > 1, a pass that would cost more than a job's
    /// share of the whole (<see cref="IPackableRunKind.Cost"/>) is split into equal parts, so that the jobs finish
    /// together (a search's wave waits for its last pass; a run's numbers do not depend on its pass).</summary>
    internal static List<IReadOnlyList<PlannedRun>> Packs(List<PlannedRun> todo, IRunKind kind, int pack, int jobs = 1)
    {
        if (pack == 1 || kind is not IPackableRunKind packable)
            return todo.Select(r => (IReadOnlyList<PlannedRun>)[r]).ToList();
        var packs = todo.GroupBy(r => packable.PackKey(r.Config), StringComparer.Ordinal)
                        .SelectMany(g => g.Chunk(pack))
                        .Select(c => (IReadOnlyList<PlannedRun>)c)
                        .ToList();
        if (jobs == 1) return packs;
        var share = packs.Sum(p => Cost(p, kind)) / jobs;
        return packs.SelectMany(p =>
        {
            var parts = (int)Math.Min(p.Count, Math.Ceiling(Cost(p, kind) / share - 1e-9));
            return parts <= 1 ? [p] : p.Chunk((p.Count + parts - 1) / parts).Select(c => (IReadOnlyList<PlannedRun>)c);
        }).ToList();
    }

    static double Cost(IReadOnlyList<PlannedRun> pack, IRunKind kind) =>
        kind is IPackableRunKind packable ? pack.Sum(r => packable.Cost(r.Config)) : pack.Count;

    static List<RunResult> RunInProcess(List<IReadOnlyList<PlannedRun>> packs, IRunKind kind, ResultStore store,
        int threads, SweepProgress progress, CancellationToken ct)
    {
        var results = new List<RunResult>();
        foreach (var pack in packs)
        {
            ct.ThrowIfCancellationRequested();
            var runs = pack.Where(r => !store.Read(r).Finished).ToList(); // finished meanwhile by another process
            if (runs.Count == 0) continue;
            foreach (var run in runs) progress.Started(run);
            IReadOnlyList<RunResult> done = kind is IPackableRunKind packable
                ? RunExecutor.ExecutePack(runs, packable, store, threads, ct)      // one run: executed on its own
                : [RunExecutor.Execute(runs[0], kind, store, threads, ct)];
            foreach (var (run, result) in runs.Zip(done)) progress.Finished(run, result);
            results.AddRange(done);
        }
        return results;
    }

    /// <summary>Runs planned runs by id, packed into one pass when there are several (the child side of
    /// <c>--jobs</c>).</summary>
    public static IReadOnlyList<RunResult> RunOne(string directory, IReadOnlyList<string> ids, RunKinds kinds,
        int threads, CancellationToken ct = default)
    {
        var store = new ResultStore(directory);
        var plan = SweepPlan.Load(store.Directory);
        var runs = ids.Select(id => plan.Runs.FirstOrDefault(r => r.Id == id)
                                    ?? throw new LoraLabException($"{store.PlanPath}: no run '{id}'",
                                                                  ExitCodes.Usage)).ToList();
        var kind = kinds.Get(plan.Kind);
        if (runs.Count == 1) return [RunExecutor.Execute(runs[0], kind, store, threads, ct)];
        if (kind is not IPackableRunKind packable)
            throw new LoraLabException($"runs of kind '{kind.Name}' cannot be packed", ExitCodes.Usage);
        if (runs.Select(r => packable.PackKey(r.Config)).Distinct(StringComparer.Ordinal).Count() > 1)
            throw new LoraLabException("these runs differ in more than what a pack may vary; they cannot share a pass",
                                       ExitCodes.Usage);
        return RunExecutor.ExecutePack(runs, packable, store, threads, ct);
    }
}
