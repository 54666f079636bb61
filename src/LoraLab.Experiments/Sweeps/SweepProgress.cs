using System.Globalization;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>One stderr line per finished run: done / running / failed counts, diverged, ETA (the mean wall time per
/// run finished in this session — a packed pass's time shared by its runs — times the runs left, divided over the
/// parallel jobs). With <paramref name="perRun"/> false (searches: thousands of short probes) only notes are
/// printed.</summary>
internal sealed class SweepProgress(TextWriter output, int total, int alreadyDone, int jobs, bool perRun = true)
{
    readonly object _lock = new();
    int _done = alreadyDone, _running, _failed, _diverged, _finishedHere;
    double _secondsPerRunSum;

    public int Failed => _failed;

    public void Started(PlannedRun run)
    {
        lock (_lock) _running++;
    }

    public void Finished(PlannedRun run, RunResult result)
    {
        lock (_lock)
        {
            _running--;
            _finishedHere++;
            _secondsPerRunSum += result.Timing.WallSeconds / Math.Max(1, result.Timing.PackSize);
            if (result.Status == RunStatus.Failed) _failed++;
            else _done++;
            if (result.Status == RunStatus.Diverged) _diverged++;
            if (!perRun) return;
            var remaining = total - _done - _failed;
            var eta = Format(_secondsPerRunSum / _finishedHere * remaining / Math.Max(1, Math.Min(jobs, remaining)));
            var what = result.Status switch
            {
                RunStatus.Failed => $"FAILED {run.Id}: {result.Error}",
                _ => $"{EnumNames.Of(result.Status)} {run.Id} " +
                     $"({result.Timing.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)",
            };
            output.WriteLine($"[sweep] {_done}/{total} done, {_running} running, {_failed} failed, " +
                             $"{_diverged} diverged | ETA {eta} | {what}");
        }
    }

    public void Note(string line)
    {
        lock (_lock) output.WriteLine($"[sweep] {line}");
    }

    static string Format(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1
            ? $"{(int)t.TotalHours}:{t:mm\\:ss}"
            : t.ToString("m\\:ss", CultureInfo.InvariantCulture);
    }
}
