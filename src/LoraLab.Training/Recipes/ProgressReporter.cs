using System.Diagnostics;
using System.Globalization;

namespace LoraLab.Training.Recipes;

/// <summary>"what, how far, ETA" on stderr, at most every <c>minInterval</c> (and always for the first and last step).</summary>
public sealed class ProgressReporter(string what, int total, TextWriter output, TimeSpan? minInterval = null)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TimeSpan _minInterval = minInterval ?? TimeSpan.FromSeconds(5);
    TimeSpan _last = TimeSpan.MinValue;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(int done, string detail)
    {
        var now = _clock.Elapsed;
        if (done != 1 && done != total && now - _last < _minInterval) return;
        _last = now;
        var perStep = now.TotalSeconds / Math.Max(1, done);
        var eta = TimeSpan.FromSeconds(perStep * (total - done));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} step {1}/{2} ({3:P0}) {4} | {5:F2} s/step | ETA {6}",
            what, done, total, (double)done / total, detail, perStep, Format(eta)));
    }

    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.Seconds}s";
}
