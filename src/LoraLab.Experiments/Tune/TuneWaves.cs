using System.Diagnostics;
using System.Globalization;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Experiments.Tune;

/// <summary>Runs the waves of a tune in DIR/trials, appending to its plan.json (before the runs start, so child
/// processes and Slurm tasks find them), with progress and an ETA over the whole tune's planned steps. A failed
/// trial is retried once, alone; failing again stops tune (a rerun retries it).</summary>
internal sealed class TuneWaves(TuneSpec spec, IRunKind kind, ResultStore store, SweepRunOptions options,
    TextWriter log, Stopwatch clock, long plannedSteps, bool planOnly, CancellationToken ct)
{
    readonly List<PlannedRun> _runs = [];
    long _stepsDoneHere, _stepsListed;

    public Dictionary<string, RunResult> Run(string what, IEnumerable<PlannedRun> wanted)
    {
        foreach (var run in wanted.DistinctBy(r => r.Id))
            if (_runs.All(r => r.Id != run.Id)) _runs.Add(run with { Index = _runs.Count });
        var listed = wanted.Select(w => _runs.First(r => r.Id == w.Id)).DistinctBy(r => r.Id).ToList();
        store.WritePlan(new SweepPlan
        {
            Name = spec.Name, Kind = kind.Name, Axes = [.. _runs[0].Point.Select(p => p.Key)],
            Metrics = kind.Metrics.ToList(), Runs = _runs,
        });
        store.RemoveStaleTemps();
        var todo = listed.Where(r => !store.Read(r).Finished).ToList();
        var steps = todo.Sum(Steps);
        var eta = _stepsDoneHere > 0
            ? $"; ETA {Format(clock.Elapsed.TotalSeconds / _stepsDoneHere * Math.Max(0, plannedSteps - _stepsListed))}"
            : "";
        log.WriteLine($"[tune] {what}: {listed.Count - todo.Count} finished, {todo.Count} to run ({steps} steps); " +
                      $"elapsed {Format(clock.Elapsed.TotalSeconds)}{eta}");
        if (planOnly && todo.Count > 0)
            throw new TuneWavePending(what, store.Directory, todo.Select(r => r.Id).ToList());
        var jobs = Math.Min(options.Jobs, Math.Max(1, todo.Count));
        var progress = new SweepProgress(log, todo.Count, 0, jobs);
        var results = SweepRunner.Execute(SweepRunner.Packs(todo, kind, 1), kind, store, options with { Jobs = jobs },
            progress, ct, onThreads: false);
        var failed = results.Where(r => r.Status == RunStatus.Failed).Select(r => todo.First(t => t.Id == r.Id))
            .ToList();
        if (failed.Count > 0)
        {
            log.WriteLine($"[tune] {failed.Count} trial(s) failed " +
                          $"({results.First(r => r.Status == RunStatus.Failed).Error}); retrying once");
            SweepRunner.Execute(SweepRunner.Packs(failed, kind, 1), kind, store, options with { Jobs = 1 }, progress,
                ct, onThreads: false);
        }
        _stepsDoneHere += steps;
        _stepsListed += listed.Sum(Steps);
        var reads = listed.ToDictionary(r => r.Id, store.Read);
        if (reads.Values.FirstOrDefault(r => !r.Finished) is { } bad)
            throw new LoraLabException($"tune: trial {bad.Run.Id} failed: " +
                                       $"{bad.Result?.Error ?? bad.Corruption ?? "no result"} " +
                                       "(rerun the same command to retry)", ExitCodes.RunFailed);
        return reads.ToDictionary(kv => kv.Key, kv => kv.Value.Result!);
    }

    static long Steps(PlannedRun run) => long.Parse(run.Value("steps")!, CultureInfo.InvariantCulture);

    static string Format(double seconds) =>
        TimeSpan.FromSeconds(seconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
}
