using System.Diagnostics;
using System.Globalization;

namespace LoraLab.Training.Recipes;

/// <summary>"what, how far, ETA" on stderr, at most every <c>minInterval</c> (and always for the first and last step).
/// <paramref name="start"/>: steps already done before this process (a resumed run), left out of the rate.</summary>
internal sealed class ProgressReporter(string what, int total, TextWriter output, TimeSpan? minInterval = null,
                                       int start = 0)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly TimeSpan _minInterval = minInterval ?? TimeSpan.FromSeconds(5);
    TimeSpan? _last;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(int done, string detail)
    {
        var now = _clock.Elapsed;
        if (done != start + 1 && done != total && now - _last < _minInterval) return;
        _last = now;
        var perStep = now.TotalSeconds / Math.Max(1, done - start);
        var eta = TimeSpan.FromSeconds(perStep * (total - done));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                                       "{0} step {1}/{2} ({3:P0}) {4} | {5:F2} s/step | ETA {6}",
            what, done, total, (double)done / total, detail, perStep, Format(eta)));
    }

    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s"
        : $"{t.Seconds}s";
}
