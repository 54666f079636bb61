using System.Globalization;
using LoraLab.Core;
using LoraLab.Experiments.Toy;
using LoraLab.Models.TeacherStudent;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// 28 toy runs as one batch through the batched toy trainer's public entry point (<see cref="ToyRun.ExecuteMany"/>;
/// the width sweep's grid before its searches): width 1024, layer readout, seed 0, 400 steps, K = 28 (Init[A] × 14 LRs
/// 0.5/2¹³..0.5, Init[B] × 0.125/2¹³..0.125), one thread, diverged runs dropped from the batch. Timed whole
/// (problem draw, steps, final losses). The peer (tools/peers/toy.py) re-implements the same algorithm (stacked
/// GEMMs, r×r algebra in float64, batched Adam, the same divergence rule) from the exported problem and factors.
/// <c>--check</c> prints each configuration's first three losses.
/// </summary>
public static class ToyPeerBenchmark
{
    public static void Run(string? exportDir, bool check)
    {
        // 14 LRs max/2^13 .. max per init (the former reproduce grid).
        var grid = (double max, LoraInit init) =>
            Enumerable.Range(0, 14).Select(k => new ToyRunConfig { Init = init, Lr = max / Math.Pow(2, 13 - k) });
        var configs = grid(0.5, LoraInit.A).Concat(grid(0.125, LoraInit.B)).ToList();
        var c = configs[0];
        if (exportDir is not null) Export(exportDir, configs);
        if (check)
        {
            var results = ToyRun.ExecuteMany(configs);
            for (var k = 0; k < results.Count; k++)
                for (var s = 0; s < 3; s++) PeerOutput.Loss($"toy-{k}", s, results[k].Loss[s]);
            return;
        }
        var stopped = 0;
        var t = Harness.Measure($"toy batch K={configs.Count} n={c.Width} {c.Steps} steps", () =>
            stopped = ToyRun.ExecuteMany(configs).Count(r => r.StoppedAtStep is not null),
            trials: 3, minTrialSeconds: 0, warmup: 0);
        PeerOutput.Result("toy-batch", t, string.Create(CultureInfo.InvariantCulture,
            $"{t.MedianMs / c.Steps:F3} ms/step; {stopped} of {configs.Count} runs stopped as diverged"));
    }

    /// <summary>The problem (H, teacher, readout) and each configuration's initial factors, drawn as the trainer
    /// does.</summary>
    static void Export(string dir, IReadOnlyList<ToyRunConfig> configs)
    {
        var c = configs[0];
        using var problem = new TeacherStudentProblem(c.ProblemSpec);
        var a = zeros(configs.Count, c.Rank, c.Width);
        var b = zeros(configs.Count, c.Width, c.Rank);
        for (var k = 0; k < configs.Count; k++)
        {
            manual_seed(configs[k].InitSeed);
            LoraInitializer.Apply(configs[k].Init, a[k], b[k], c.Scale);
        }
        string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        PeerOutput.Export(dir, "toy.safetensors",
        [
            ("h_train", problem.HTrain), ("h_test", problem.HTest), ("teacher_a", problem.TeacherA),
            ("teacher_b", problem.TeacherB), ("readout", problem.Readout), ("a", a), ("b", b),
            ("lr", tensor(configs.Select(x => x.Lr).ToArray())),
            ("lr_b", tensor(configs.Select(x => x.EffectiveLrB).ToArray())),
        ], new Dictionary<string, string>
        {
            ["scale"] = Text(c.Scale), ["steps"] = Text(c.Steps), ["beta1"] = Text(c.Beta1), ["beta2"] = Text(c.Beta2),
            ["eps"] = Text(c.Eps), ["divergence_factor"] = Text(c.DivergenceFactor), ["threads"] = Text(c.Threads),
        });
    }
}
