using System.Diagnostics;
using System.Globalization;
using LoraLab.Core;
using LoraLab.Experiments.Toy;

namespace LoraLab.Benchmarks;

/// <summary>
/// What one packed pass of toy probes costs (the unit of work of <c>loralab reproduce</c>'s searches): CPU ms per step
/// of the batched toy trainer by width n, readout and pack size K (stable learning rates, so no run leaves the pack
/// early), one thread. K configurations are spread over K/4 problems (seeds 0..) as a search wave packs them.
/// </summary>
public static class ToyPassBenchmark
{
    public static void Run()
    {
        int[] widths = [128, 512, 2048, 8192];
        foreach (var readout in new[] { ToyReadout.Layer, ToyReadout.Scalar, ToyReadout.LayerRelu })
            foreach (var n in widths.Where(w => readout != ToyReadout.LayerRelu || w <= 2048))
                foreach (var k in new[] { 1, 2, 8, 40 })
                {
                    var seeds = Math.Max(1, k / 4);
                    var configs = Enumerable.Range(0, k).Select(i => new ToyRunConfig
                    {
                        Width = n, Readout = readout, Steps = 40, Diagnostics = false, Seed = i % seeds,
                        Init = i % 2 == 0 ? LoraInit.A : LoraInit.B, Lr = 1e-5 * (1 + i),
                    }).ToList();
                    Measure(configs);   // warm (problem cache)
                    var (wall, cpu) = Measure(configs);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"toy pass {readout,-9} n={n,5} K={k,3} ({seeds,2} problems): {wall / 40:F3} ms/step wall, " +
                        $"{cpu / 40:F3} ms/step CPU, {cpu / 40 / k:F4} ms/step/config"));
                }
    }

    static (double Wall, double Cpu) Measure(IReadOnlyList<ToyRunConfig> configs)
    {
        var cpu0 = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        ToyRun.ExecuteMany(configs);
        return (sw.Elapsed.TotalMilliseconds, (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds);
    }
}
