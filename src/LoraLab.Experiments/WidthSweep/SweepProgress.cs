using System.Diagnostics;
using System.Globalization;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// Progress on stderr: what runs, how far (cost-weighted %), elapsed and ETA. Redraws in place on a terminal, prints a
/// line every 10 s otherwise. Thread-safe (batches run concurrently).
/// </summary>
public sealed class SweepProgress(TextWriter? output)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly object _gate = new();
    readonly bool _interactive = output is not null && ReferenceEquals(output, Console.Error) && !Console.IsErrorRedirected;
    double _total, _done;
    TimeSpan _lastPrint = TimeSpan.FromSeconds(-100);
    string _what = "";

    public static SweepProgress Silent => new(null);

    public TimeSpan Elapsed => _clock.Elapsed;

    public void AddWork(double units) { lock (_gate) _total += units; }

    public void Advance(double units, string what)
    {
        lock (_gate)
        {
            _done += units;
            _what = what;
            var now = _clock.Elapsed;
            if (output is null || now - _lastPrint < TimeSpan.FromSeconds(_interactive ? 0.5 : 10)) return;
            _lastPrint = now;
            Print(now);
        }
    }

    public void Message(string text)
    {
        lock (_gate)
        {
            if (output is null) return;
            if (_interactive) output.Write("\r\u001b[K");
            output.WriteLine(text);
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (output is null) return;
            Print(_clock.Elapsed);
            if (_interactive) output.WriteLine();
        }
    }

    void Print(TimeSpan now)
    {
        var fraction = _total > 0 ? Math.Min(1, _done / _total) : 0;
        var eta = fraction > 0.01 ? TimeSpan.FromSeconds(now.TotalSeconds * (1 - fraction) / fraction) : (TimeSpan?)null;
        var line = string.Format(CultureInfo.InvariantCulture, "reproduce: {0,5:P0} | elapsed {1} | ETA {2} | {3}",
            fraction, Format(now), eta is { } e ? Format(e) : "?", _what);
        if (_interactive) output!.Write("\r\u001b[K" + line);
        else output!.WriteLine(line);
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
