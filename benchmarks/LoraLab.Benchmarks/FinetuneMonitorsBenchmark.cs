using System.Diagnostics;
using System.Globalization;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Benchmarks;

/// <summary>
/// The cost of the instability monitors and per-layer diagnostics in the real training loop: the stories260K
/// WikiText-2 finetune (<c>configs/stories260k-wikitext2.json</c>: LoRA r = 8 on all 7 projections of 5 layers,
/// batch 16 × 256 tokens) run by <see cref="FinetuneRecipe"/> with <c>monitors.enabled</c> off and on. The time per
/// step is the process CPU time of a long run minus that of a short one, divided by the step difference (model and
/// data loading cancel out): on a shared machine CPU time is far steadier than wall time, and with one torch thread
/// the step is CPU-bound. Off and on alternate over the trials so drifts hit both alike. No eval, checkpoint or
/// adapter writes are in the difference.
/// </summary>
public static class FinetuneMonitorsBenchmark
{
    const int ShortSteps = 3, LongSteps = 13;

    public static void Run(int threads, int trials = 3)
    {
        Directory.SetCurrentDirectory(StoriesStepBenchmark.RepoRoot());
        var dir = Directory.CreateTempSubdirectory("loralab-bench-monitors-").FullName;
        var perStep = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var wall = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        for (var trial = 0; trial < trials; trial++)
            foreach (var enabled in trial % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var (cpuShort, _) = CpuSeconds(enabled, ShortSteps, threads, Path.Combine(dir, $"{trial}-{enabled}-s"));
                var (cpuLong, result) = CpuSeconds(enabled, LongSteps, threads,
                                                   Path.Combine(dir, $"{trial}-{enabled}-l"));
                perStep[enabled].Add((cpuLong - cpuShort) / (LongSteps - ShortSteps));
                wall[enabled].Add(result.TrainSecondsPerStep);
            }
        Directory.Delete(dir, recursive: true);
        static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        static string List(List<double> v) =>
            string.Join(", ", v.Select(s => (s * 1e3).ToString("F1", CultureInfo.InvariantCulture)));
        foreach (var enabled in new[] { false, true })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stories260K finetune step, monitors {(enabled ? "on: " : "off:")} CPU median " +
                $"{Median(perStep[enabled]) * 1e3:F1} ms [{List(perStep[enabled])}]; wall {List(wall[enabled])} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"monitor overhead (CPU time per step): " +
            $"{(Median(perStep[true]) / Median(perStep[false]) - 1) * 100:+0.0;-0.0} %"));
    }

    static (double CpuSeconds, FinetuneResult Result) CpuSeconds(bool monitors, int steps, int threads, string outDir)
    {
        var config = ConfigLoader.Load<FinetuneConfig>("configs/stories260k-wikitext2.json",
            [$"steps={steps}", "eval_every=0", "eval_at_start=false", "eval_batches=1", "data.max_eval_examples=16",
             "checkpoint_every=0", "save_adapter=false", $"threads={threads}",
             $"monitors.enabled={(monitors ? "true" : "false")}"]);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        var result = FinetuneRecipe.Run(config, outDir, TextWriter.Null);
        process.Refresh();
        return ((process.TotalProcessorTime - before).TotalSeconds, result);
    }
}
