using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// Runs a search sweep in waves. Each wave replays every grid point's search (<see cref="EdgeSearch"/>, then
/// <see cref="OptimumSearch"/> anchored at the edge) over the results known so far, collects the probes they need,
/// appends the new ones to plan.json, and runs them all — packed and in parallel like any sweep's runs. A probe is
/// a normal run (id from its resolved config), so after a kill the replay finds the finished probes on disk and
/// continues where it stopped. A probe that fails in this invocation stops its grid point's search (a later
/// <c>sweep run</c> retries it). Writes DIR/search.json at the end.
/// </summary>
internal static class SearchDriver
{
    public static SweepRunSummary Run(SweepPlan plan, ResultStore store, RunKinds kinds, SweepRunOptions options,
        TextWriter log, CancellationToken ct = default)
    {
        var spec = plan.Search ?? throw new ArgumentException("not a search plan", nameof(plan));
        var kind = kinds.Get(plan.Kind);
        SweepRunner.CheckPack(kind, options.Pack);
        var state = new SearchState(plan, spec, kind, store);
        store.RemoveStaleTemps();
        var clock = Stopwatch.StartNew();
        int executed = 0, failed = 0, diverged = 0, skipped = state.Finished;
        log.WriteLine($"[search] '{plan.Name}': {plan.Cells!.Count} grid points, " +
                      $"{string.Join(" + ", spec.Strategies.Select(EnumNames.Of))} on {spec.Key} (resolution " +
                      $"{spec.Resolution.ToString("0.####", CultureInfo.InvariantCulture)}), {state.Probes.Count} " +
                      $"probes listed, {skipped} finished");
        for (int wave = 1; ; wave++)
        {
            var need = state.Replay().Need;
            if (need.Count == 0) break;
            store.WritePlan(plan with { Runs = state.Probes });
            var todo = need.Where(r => !state.IsFinished(r.Id)).ToList();
            var packs = SweepRunner.Packs(todo, kind, options.Pack, options.Jobs);
            var jobs = Math.Min(options.Jobs, Math.Max(1, packs.Count));
            var progress = new SweepProgress(log, todo.Count, 0, jobs, perRun: false);
            var waveClock = Stopwatch.StartNew();
            var results = SweepRunner.Execute(packs, kind, store, options with { Jobs = jobs }, progress, ct);
            if (results.Where(r => r.Status == RunStatus.Failed).Select(r => todo.First(p => p.Id == r.Id))
                .ToList() is { Count: > 0 } again)
            {
                // One retry, alone: a probe can fail for a reason outside it (a native error under memory pressure).
                log.WriteLine($"[search] wave {wave}: {again.Count} probe(s) " +
                              $"failed ({results.First(r => r.Status == RunStatus.Failed).Error?.Split(':')[0]}); " +
                              "retrying once");
                var retried = SweepRunner.Execute(SweepRunner.Packs(again, kind, 1), kind, store,
                                                  options with { Jobs = 1 }, progress, ct);
                results = results.Where(r => r.Status != RunStatus.Failed).Concat(retried).ToList();
            }
            foreach (var r in results) state.Record(r);
            RecordFinishedElsewhere(todo, results, state, store);
            executed += results.Count;
            failed += results.Count(r => r.Status == RunStatus.Failed);
            diverged += results.Count(r => r.Status == RunStatus.Diverged);
            log.WriteLine($"[search] wave {wave}: {todo.Count} probes in {packs.Count} passes, " +
                          $"{results.Count(r => r.Status == RunStatus.Diverged)} unstable, " +
                          $"{results.Count(r => r.Status == RunStatus.Failed)} failed " +
                          $"({waveClock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; " +
                          $"{state.Open} of {plan.Cells.Count} grid points still searching; elapsed " +
                          $"{clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s)");
        }
        var failures = WriteResults(plan, state, store);
        log.WriteLine($"[search] done: {state.Probes.Count} probes ({executed} run now), " +
                      $"{failures} grid point(s) without a result");
        return new SweepRunSummary(state.Probes.Count, skipped, executed, failed, diverged);
    }

    /// <summary>A probe that another process (a second invocation on the same folder, a Slurm task) finished while
    /// this wave waited is skipped by the runner and returns no result: its result is read from disk instead, or the
    /// wave could ask for it again forever.</summary>
    static void RecordFinishedElsewhere(List<PlannedRun> todo, List<RunResult> results, SearchState state,
                                        ResultStore store)
    {
        var returned = results.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var probe in todo.Where(p => !returned.Contains(p.Id)))
        {
            if (store.Read(probe) is { Finished: true, Result: { } r }) state.Record(r);
            else
                throw new LoraLabException(
                    $"{store.Directory}: probe {probe.Id} neither ran nor has a finished result; rerun to retry",
                    ExitCodes.RunFailed);
        }
    }

    /// <summary>Writes plan.json and DIR/search.json from what is known; returns the grid points without a
    /// result.</summary>
    internal static int WriteResults(SweepPlan plan, SearchState state, ResultStore store)
    {
        var final = state.Replay();
        store.WritePlan(plan with { Runs = state.Probes });
        var results = new SearchResults(plan.Search!, plan.Axes, final.Cells);
        AtomicFile.WriteAllText(Path.Combine(store.Directory, SearchResults.FileName),
                                ConfigJson.Serialize(results) + "\n");
        return final.Cells.Count(c => c.Failure is not null);
    }

    /// <summary>The probes known to a search and their results (finished on disk, or failed in this invocation; with
    /// <c>failedOnDisk</c>, failed results on disk too, which stop their grid point's search).</summary>
    internal sealed class SearchState
    {
        readonly SweepPlan _plan;
        readonly SearchSpec _spec;
        readonly IRunKind _kind;
        readonly ResultStore _store;
        readonly Dictionary<string, RunResult> _results = new(StringComparer.Ordinal);
        readonly Dictionary<(int Cell, int J), PlannedRun> _byLattice = new();
        readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public SearchState(SweepPlan plan, SearchSpec spec, IRunKind kind, ResultStore store, bool failedOnDisk = false)
        {
            (_plan, _spec, _kind, _store) = (plan, spec, kind, store);
            Probes = store.BeginSearch(plan);
            foreach (var probe in Probes)
            {
                _index[probe.Id] = probe.Index;
                if (store.Read(probe) is { Result: { } r } read
                    && (read.Finished || failedOnDisk && r.Status == RunStatus.Failed))
                    _results[probe.Id] = r;
            }
        }

        public List<PlannedRun> Probes { get; }
        public int Finished => _results.Count;
        public int Open { get; private set; }

        public bool IsFinished(string id) => _results.TryGetValue(id, out var r) && r.Status != RunStatus.Failed;

        public void Record(RunResult result) => _results[result.Id] = result;

        /// <summary>Every grid point's search over what is known: the probes still needed (new ones appended to
        /// <see cref="Probes"/>) and the results of the finished searches.</summary>
        public (List<PlannedRun> Need, List<CellResult> Cells) Replay()
        {
            var need = new List<PlannedRun>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var cells = new List<CellResult>();
            Open = 0;
            foreach (var cell in _plan.Cells!)
            {
                var used = new HashSet<int>();
                Probe? Known(int j)
                {
                    used.Add(j);
                    return Lookup(cell, j);
                }
                var (needs, edge, optimum, failure) = Step(Known);
                foreach (var j in needs)
                {
                    var probe = ProbeFor(cell, j);
                    if (seen.Add(probe.Id)) need.Add(probe);
                }
                if (needs.Count > 0) Open++;
                cells.Add(new CellResult(cell.Index, cell.Id, cell.Point, edge, optimum, failure,
                    used.Count(j => _byLattice.TryGetValue((cell.Index, j), out var p) && _results.ContainsKey(p.Id))));
            }
            return (need, cells);
        }

        (IReadOnlyList<int> Need, EdgeResult? Edge, OptimumResult? Optimum, string? Failure) Step(
            Func<int, Probe?> known)
        {
            EdgeResult? edge = null;
            int anchor = 0;
            var optimumKnown = known;
            if (_spec.Has(SearchStrategy.Edge))
            {
                var e = EdgeSearch.Next(_spec, known);
                if (!e.Done) return (e.Need, null, null, null);
                if (e.Failure is not null) return ([], null, null, "edge: " + e.Failure);
                edge = e.Result!;
                if (edge.Stable is null)
                    return ([], edge, null, _spec.Has(SearchStrategy.Optimum)
                                            ? "optimum: unstable at every value down to min" : null);
                anchor = edge.StableIndex;
                var unstableFrom = edge.UnstableIndex;
                optimumKnown = j => j >= unstableFrom ? Probe.Unstable : known(j);   // stability is monotone
            }
            if (!_spec.Has(SearchStrategy.Optimum)) return ([], edge, null, null);
            var o = OptimumSearch.Next(_spec, optimumKnown, anchor);
            if (!o.Done) return (o.Need, edge, null, null);
            return ([], edge, o.Result, o.Failure is null ? null : "optimum: " + o.Failure);
        }

        Probe? Lookup(PlannedRun cell, int j)
        {
            if (j < _spec.MinIndex || j > _spec.MaxIndex) return null;
            var probe = ProbeFor(cell, j);
            if (!_results.TryGetValue(probe.Id, out var r)) return null;
            return r.Status switch
            {
                RunStatus.Ok => new Probe(true, r.Metrics.TryGetValue(_spec.Metric, out var m) ? m : double.NaN),
                RunStatus.Diverged => Probe.Unstable,
                RunStatus.Failed => new Probe(false, double.NaN, Failed: true),
            };
        }

        /// <summary>The probe of lattice index <paramref name="j"/> at <paramref name="cell"/>: the cell's config with
        /// the searched key set, resolved like any grid point; listed in <see cref="Probes"/> on first use.</summary>
        PlannedRun ProbeFor(PlannedRun cell, int j)
        {
            if (_byLattice.TryGetValue((cell.Index, j), out var known)) return known;
            var value = _spec.Value(j);
            var merged = (JsonObject)cell.Config.DeepClone();
            SweepPlanner.Set(merged, _spec.Key, JsonValue.Create(value));
            var resolved = SweepPlanner.Resolve(
                _kind, merged, $"{_plan.Name} [{SweepPlanner.Describe(cell.Point)}, {_spec.Key}={value:G6}]");
            var point = (JsonObject)cell.Point.DeepClone();
            point[_spec.Key] = JsonValue.Create(value);
            var id = RunId.For(_plan.Kind, point, resolved);
            if (!_index.TryGetValue(id, out var index))
            {
                index = Probes.Count;
                _index[id] = index;
                Probes.Add(new PlannedRun(index, id, point, resolved));
            }
            var run = Probes[index];
            _byLattice[(cell.Index, j)] = run;
            return run;
        }
    }
}
