using System.Diagnostics;
using System.Globalization;
using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>Executes one planned run in this process and writes its result.json atomically. An exception becomes a
/// failed result carrying the error (one line); cancellation writes nothing, so the run is redone later.</summary>
internal static class RunExecutor
{
    public static RunResult Execute(PlannedRun run, IRunKind kind, ResultStore store, int threads, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var runDir = store.RunDirectory(run.Id);
        Directory.CreateDirectory(runDir);
        RunResult result;
        try
        {
            var outcome = kind.Execute((System.Text.Json.Nodes.JsonObject)run.Config.DeepClone(),
                new RunContext(run.Id, runDir, threads, ct));
            result = FromOutcome(run, kind, threads, started, clock, outcome);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            result = Failed(run, kind.Name, threads, started, clock.Elapsed.TotalSeconds, Describe(ex));
        }
        store.Write(result);
        return result;
    }

    /// <summary>Executes runs of one pack key (<see cref="IPackableRunKind"/>) in one pass and writes each run's
    /// result.json; an exception fails every run of the pack with the error.</summary>
    public static IReadOnlyList<RunResult> ExecutePack(IReadOnlyList<PlannedRun> runs, IPackableRunKind kind,
        ResultStore store, int threads, CancellationToken ct)
    {
        if (runs.Count == 1) return [Execute(runs[0], kind, store, threads, ct)];
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        foreach (var run in runs) Directory.CreateDirectory(store.RunDirectory(run.Id));
        List<RunResult> results;
        try
        {
            var configs = runs.Select(r => (System.Text.Json.Nodes.JsonObject)r.Config.DeepClone()).ToList();
            var outcomes = kind.ExecutePacked(configs, threads, ct);
            results = runs.Zip(outcomes, (run, outcome) => FromOutcome(run, kind, threads, started, clock, outcome))
                .ToList();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            results = runs.Select(run => Failed(run, kind.Name, threads, started, clock.Elapsed.TotalSeconds,
                                                Describe(ex))).ToList();
        }
        var wall = Math.Round(clock.Elapsed.TotalSeconds, 3);
        results = results.Select(r => r with { Timing = r.Timing with { WallSeconds = wall, PackSize = runs.Count } })
            .ToList();
        foreach (var result in results) store.Write(result);
        return results;
    }

    /// <summary>A failed result for a run that could not produce one itself (e.g. its child process crashed).</summary>
    public static RunResult Failed(
        PlannedRun run, string kind, int threads, DateTime started, double wallSeconds, string error) => new()
    {
        Id = run.Id,
        Index = run.Index,
        Kind = kind,
        Config = (System.Text.Json.Nodes.JsonObject)run.Config.DeepClone(),
        Status = RunStatus.Failed,
        Error = error,
        Environment = RunEnvironment.Current(threads),
        Timing = Timing(started, wallSeconds),
    };

    static RunResult FromOutcome(PlannedRun run, IRunKind kind, int threads, DateTime started, Stopwatch clock,
                                 RunOutcome outcome) =>
        Failed(run, kind.Name, threads, started, clock.Elapsed.TotalSeconds, "") with
        {
            Error = null,
            Status = outcome.Status,
            Metrics = new SortedDictionary<string, double>(outcome.Metrics.ToDictionary(), StringComparer.Ordinal),
            Curves = new SortedDictionary<string, double[]>(outcome.Curves.ToDictionary(), StringComparer.Ordinal),
        };

    static RunTiming Timing(DateTime started, double wall) => new()
    {
        StartedUtc = started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        WallSeconds = Math.Round(wall, 3),
    };

    static string Describe(Exception ex)
    {
        var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : ex;
        var message = inner.Message.ReplaceLineEndings(" ").Trim();
        return inner is LoraLabException ? message : $"{inner.GetType().Name}: {message}";
    }
}
