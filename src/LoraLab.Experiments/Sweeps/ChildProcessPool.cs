using System.Diagnostics;
using System.Globalization;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// Keeps up to <c>jobs</c> child processes busy, one run each (<c>sweep run-one DIR ID --threads T --parent-pid P</c>).
/// A child writes its own result (ok, diverged, or failed with the error); a child that dies without one (crash,
/// OOM kill) is recorded as failed with its exit code and the tail of its stderr.
/// </summary>
static class ChildProcessPool
{
    public static List<RunResult> Run(List<PlannedRun> todo, string kind, ResultStore store, SweepRunOptions options,
        SweepProgress progress, CancellationToken ct)
    {
        var results = new List<RunResult>();
        var queue = new Queue<PlannedRun>(todo);
        var running = new List<Task<RunResult>>();
        while (queue.Count > 0 || running.Count > 0)
        {
            while (running.Count < options.Jobs && queue.Count > 0)
            {
                var run = queue.Dequeue();
                if (store.Read(run).Finished) continue; // finished meanwhile by another process on the same folder
                progress.Started(run);
                running.Add(Task.Run(() => RunChild(run, kind, store, options, ct), ct));
            }
            if (running.Count == 0) break;
            var done = Task.WhenAny(running).GetAwaiter().GetResult();
            running.Remove(done);
            var result = done.GetAwaiter().GetResult();
            progress.Finished(todo.First(r => r.Id == result.Id), result);
            results.Add(result);
        }
        return results;
    }

    static RunResult RunChild(PlannedRun run, string kind, ResultStore store, SweepRunOptions options, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var threads = options.ThreadsPerJob;
        var info = options.Child!.StartInfo([
            "sweep", "run-one", store.Directory, run.Id,
            "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        ]);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        using (ct.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            process.WaitForExit();
        ct.ThrowIfCancellationRequested();
        var read = store.Read(run);
        if (read.Result is { } written) return written;
        var tail = string.Join(" | ", stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
        var failed = RunExecutor.Failed(run, kind, threads, started, clock.Elapsed.TotalSeconds,
            $"child process exited with code {process.ExitCode} without a result: {tail}");
        store.Write(failed);
        return failed;
    }
}
