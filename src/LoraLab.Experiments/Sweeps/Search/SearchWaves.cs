using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// A search sweep as Slurm array waves (docs/sweeps.md, "Search sweeps on Slurm"). A driver job calls
/// <see cref="Plan"/> (<c>loralab sweep wave</c>): it replays every grid point's search over the results on disk —
/// exactly as <see cref="SearchDriver"/> does between its waves — appends the new probes to plan.json and writes
/// wave.json; array task k of N then runs the wave's probes at positions ≡ k (mod N) (<see cref="RunShard"/>,
/// <c>sweep run --shard k/N</c>); when the array has ended, the driver plans the next wave, until no probe is needed.
/// Everything is recomputed from the files, so a killed driver or task is resumed by submitting the driver again.
/// A probe that failed stops its grid point's search (delete its result.json to retry it).
/// </summary>
public static class SearchWaves
{
    /// <summary>After this many consecutive waves listing the same probes (tasks ended without writing results) the
    /// driver stops with an error instead of resubmitting forever.</summary>
    public const int MaxStalled = 2;

    /// <summary>Plans the next wave into wave.json: the unfinished probes, spread over at most
    /// <paramref name="maxTasks"/> tasks. No probe needed: search.json is written and the wave has 0 tasks.</summary>
    public static SearchWave Plan(SweepPlan plan, ResultStore store, RunKinds kinds, int maxTasks, TextWriter log)
    {
        if (plan.Search is null) throw new LoraLabException($"'{plan.Name}' is not a search sweep", ExitCodes.Usage);
        if (maxTasks < 1) throw new LoraLabException($"--tasks must be >= 1, got {maxTasks}", ExitCodes.Usage);
        store.RemoveStaleTemps();
        var kind = kinds.Get(plan.Kind);
        var state = new SearchDriver.SearchState(plan, plan.Search, kind, store, failedOnDisk: true);
        var need = state.Replay().Need.Where(r => !state.IsFinished(r.Id)).Select(r => r.Id).ToList();
        var previous = SearchWave.TryLoad(store.Directory);
        if (need.Count == 0)
        {
            var failures = SearchDriver.WriteResults(plan, state, store);
            var done = new SearchWave { Number = (previous?.Number ?? 0) + 1 };
            done.Write(store.Directory);
            log.WriteLine($"[search] '{plan.Name}': done, {state.Probes.Count} probes; " +
                          $"{failures} grid point(s) without a result");
            return done;
        }
        var stalled = previous is not null && previous.Ids.SequenceEqual(need) ? previous.Stalled + 1 : 0;
        if (stalled >= MaxStalled)
            throw new LoraLabException($"{store.Directory}: wave {previous!.Number} listed the same {need.Count} " +
                                       $"probe(s) {stalled + 1} times without results (see logs/); not resubmitting",
                                       ExitCodes.RunFailed);
        store.WritePlan(plan with { Runs = state.Probes });
        var wave = new SearchWave
        {
            Number = (previous?.Number ?? 0) + 1, Tasks = Math.Min(maxTasks, need.Count), Ids = need, Stalled = stalled,
        };
        wave.Write(store.Directory);
        log.WriteLine($"[search] '{plan.Name}': wave {wave.Number}: {need.Count} probes in {wave.Tasks} task(s); " +
                      $"{state.Open} of {plan.Cells!.Count} grid points still searching");
        return wave;
    }

    /// <summary>Runs shard k/N of the current wave: the probes of wave.json at positions ≡ k (mod N), packed like any
    /// sweep's runs; N must be the wave's task count.</summary>
    public static SweepRunSummary RunShard(SweepPlan plan, ResultStore store, RunKinds kinds, SweepRunOptions options,
        TextWriter log, CancellationToken ct)
    {
        var wave = SearchWave.TryLoad(store.Directory)
                   ?? throw new LoraLabException(
                       $"{store.Directory}: no {SearchWave.FileName}: plan a wave with 'loralab sweep wave' (a " +
                       "search sweep runs whole with 'sweep run', or as Slurm waves)", ExitCodes.Usage);
        if (wave.Tasks != options.Shard.Count)
            throw new LoraLabException($"--shard {options.Shard}: wave {wave.Number} has {wave.Tasks} task(s)",
                ExitCodes.Usage);
        var kind = kinds.Get(plan.Kind);
        SweepRunner.CheckPack(kind, options.Pack);
        var probes = store.BeginSearch(plan).ToDictionary(r => r.Id, StringComparer.Ordinal);
        store.RemoveStaleTemps();
        var mine = wave.Ids.Where((_, i) => i % wave.Tasks == options.Shard.Index)
                       .Select(id => probes.TryGetValue(id, out var run) ? run
                           : throw new LoraLabException($"{store.PlanPath}: no probe '{id}' of {SearchWave.FileName}",
                               ExitCodes.BadInput))
                       .ToList();
        var todo = mine.Where(r => !store.Read(r).Finished).ToList();
        var progress = new SweepProgress(log, mine.Count, mine.Count - todo.Count, 1, perRun: false);
        var packs = SweepRunner.Packs(todo, kind, options.Pack);
        var results = SweepRunner.Execute(packs, kind, store, options with { Jobs = 1 }, progress, ct);
        log.WriteLine($"[search] wave {wave.Number}, task {options.Shard}: {mine.Count} probes, " +
                      $"{results.Count} run now, " +
                      $"{results.Count(r => r.Status == RunStatus.Failed)} failed");
        return new SweepRunSummary(mine.Count, mine.Count - todo.Count, results.Count,
            results.Count(r => r.Status == RunStatus.Failed), results.Count(r => r.Status == RunStatus.Diverged));
    }
}
