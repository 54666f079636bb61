using System.Diagnostics;
using System.Globalization;

namespace LoraLab.Benchmarks;

/// <summary>Median of several timed trials, each long enough to average out timer noise (docs/reference/feasibility.md
/// §2.2 method).</summary>
public static class Harness
{
    /// <param name="CpuMs">Median process CPU time (user + system) per step: with one thread, what a step costs
    /// regardless of other processes on the machine; with more, it includes OpenMP's spinning.</param>
    public sealed record Timing(string Name, double MedianMs, double MinMs, double MaxMs, int Trials, int ItersPerTrial,
        double CpuMs = double.NaN);

    public static Timing Measure(string name, Action step, int trials = 7, double minTrialSeconds = 0.4, int warmup = 5)
    {
        for (int i = 0; i < warmup; i++) step();
        var probe = Stopwatch.StartNew();
        step();
        var once = Math.Max(probe.Elapsed.TotalSeconds, 1e-6);
        var iters = Math.Max(1, (int)Math.Ceiling(minTrialSeconds / once));
        var ms = new List<double>();
        var cpu = new List<double>();
        for (int t = 0; t < trials; t++)
        {
            var cpu0 = Environment.CpuUsage.TotalTime;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < iters; i++) step();
            ms.Add(sw.Elapsed.TotalMilliseconds / iters);
            cpu.Add((Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds / iters);
        }
        ms.Sort();
        cpu.Sort();
        return new Timing(name, ms[ms.Count / 2], ms[0], ms[^1], trials, iters, cpu[cpu.Count / 2]);
    }

    /// <summary>Peak resident set size of this process (VmHWM), MiB; NaN where /proc is not available.</summary>
    public static double PeakRssMiB()
    {
        var line = File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            : null;
        if (line is null) return double.NaN;
        var kib = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return double.Parse(kib, CultureInfo.InvariantCulture) / 1024;
    }

    public static void Print(Timing t, string extra = "") =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{t.Name,-44} median {t.MedianMs,9:F3} ms  (min {t.MinMs:F3}, max {t.MaxMs:F3}; " +
            $"{t.Trials}×{t.ItersPerTrial}{Cpu(t)}) {extra}"));

    static string Cpu(Timing t) =>
        double.IsNaN(t.CpuMs) ? "" : string.Create(CultureInfo.InvariantCulture, $"; CPU {t.CpuMs:F3} ms");
}
