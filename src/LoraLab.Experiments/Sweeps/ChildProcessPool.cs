using System.Diagnostics;
using System.Globalization;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// Keeps up to <c>jobs</c> child processes busy, one run or one pack of runs each
/// (<c>sweep run-one DIR ID [ID…] --threads T --parent-pid P</c>). A child writes its own results (ok, diverged, or
/// failed with the error); a run whose child dies without writing it (crash, OOM kill) is recorded as failed with the
/// exit code and the tail of the child's stderr.
/// </summary>
static class ChildProcessPool
{
    public static List<RunResult> Run(List<IReadOnlyList<PlannedRun>> packs, string kind, ResultStore store,
        SweepRunOptions options, SweepProgress progress, CancellationToken ct)
    {
        var results = new List<RunResult>();
        var queue = new Queue<IReadOnlyList<PlannedRun>>(packs);
        var running = new List<Task<List<(PlannedRun Run, RunResult Result)>>>();
        while (queue.Count > 0 || running.Count > 0)
        {
            while (running.Count < options.Jobs && queue.Count > 0)
            {
                var pack = queue.Dequeue().Where(r => !store.Read(r).Finished).ToList(); // finished meanwhile elsewhere
                if (pack.Count == 0) continue;
                foreach (var run in pack) progress.Started(run);
                running.Add(Task.Run(() => RunChild(pack, kind, store, options, ct), ct));
            }
            if (running.Count == 0) break;
            var done = Task.WhenAny(running).GetAwaiter().GetResult();
            running.Remove(done);
            foreach (var (run, result) in done.GetAwaiter().GetResult())
            {
                progress.Finished(run, result);
                results.Add(result);
            }
        }
        return results;
    }

    static List<(PlannedRun, RunResult)> RunChild(List<PlannedRun> pack, string kind, ResultStore store,
        SweepRunOptions options, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var threads = options.ThreadsPerJob;
        var info = options.Child!.StartInfo([
            "sweep", "run-one", store.Directory, .. pack.Select(r => r.Id),
            "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        ]);
        using var process = Process.Start(info)
                            ?? throw new InvalidOperationException("could not start " + info.FileName);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        void Kill()
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
        using (ct.Register(Kill))
            process.WaitForExit();
        ct.ThrowIfCancellationRequested();
        return pack.Select(run =>
        {
            if (store.Read(run).Result is { } written) return (run, written);
            var stderrLines = stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var tail = string.Join(" | ", stderrLines.TakeLast(3));
            var failed = RunExecutor.Failed(run, kind, threads, started, clock.Elapsed.TotalSeconds,
                $"child process exited with code {process.ExitCode} without a result: {tail}");
            store.Write(failed);
            return (run, failed);
        }).ToList();
    }
}
