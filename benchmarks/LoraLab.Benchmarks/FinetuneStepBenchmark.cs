using System.Diagnostics;
using System.Globalization;
using LoraLab.Core;
using LoraLab.IO.Config;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// <c>loralab finetune --config PATH</c>'s s/step against the benchmark of the same config, in one process,
/// interleaved (bare, recipe, bare, recipe): "bare" is the same task, data, batch order, LoRA injection, trainable
/// head, optimizer and LR schedule, threads from the config, with per step only loss → backward → optimizer step →
/// zero_grad; "recipe" is <see cref="FinetuneRecipe.Train"/> itself (gradient statistics, clipping, feature
/// tracking, snapshot, metrics line, checkpoints as configured), evaluation off, over the same first <c>--steps</c>
/// batches.
/// Its train_seconds_per_step over the bare loop's mean is the recipe's overhead (issue 18: within 5 %).
/// </summary>
public static class FinetuneStepBenchmark
{
    public static void Run(string configPath, int steps)
    {
        var config = ConfigLoader.Load<FinetuneConfig>(configPath, []) with
        {
            Steps = steps, EvalEvery = 0, EvalAtStart = false, EvalBatches = 1, SaveAdapter = false,
        };
        set_num_threads(config.Threads);
        var (bare, recipe) = (new List<double>(), new List<double>());
        for (var round = 0; round < 2; round++)
        {
            bare.Add(Bare(config, steps));
            manual_seed(config.Seed);
            using var task = FinetuneTaskFactory.Create(config, TextWriter.Null);
            var dir = Path.Combine(Path.GetTempPath(), $"loralab-finetune-step-{Environment.ProcessId}");
            recipe.Add(FinetuneRecipe.Train(config, task, dir, TextWriter.Null).TrainSecondsPerStep);
            Directory.Delete(dir, recursive: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# round {round + 1}: bare step {bare[^1]:F4} s, finetune recipe {recipe[^1]:F4} s/step"));
        }
        var t = new Harness.Timing($"finetune bare step ({Path.GetFileName(configPath)}, threads {config.Threads})",
            bare.Min() * 1e3, bare.Min() * 1e3, bare.Max() * 1e3, bare.Count, steps);
        PeerOutput.Result("finetune-bare", t, string.Create(CultureInfo.InvariantCulture,
            $"recipe {recipe.Min():F4} s/step (best of {recipe.Count}): " +
            $"{recipe.Min() / bare.Min() - 1:P1} over the bare step"));
    }

    /// <summary>Mean wall seconds per step of the bare loop over the first <paramref name="steps"/> batches.</summary>
    static double Bare(FinetuneConfig config, int steps)
    {
        manual_seed(config.Seed);
        using var task = FinetuneTaskFactory.Create(config, TextWriter.Null);
        var injection = LoraInjector.Inject(task.Model, config.ResolvedLora());
        foreach (var (_, p) in task.HeadParameters) p.requires_grad = true;
        var head = task.HeadParameters.Select(h => h.Parameter);
        using var optimizer = new LoraOptimizer(injection.Layers, head, config.Optim);
        var order = new BatchOrder(task.TrainExamples, config.BatchSize, (ulong)config.Seed);
        task.Model.train();
        var sw = Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.SetLrFactor(config.Schedule.Factor(step, steps));
            var loss = task.Loss(order.Batch(step));
            loss.item<float>();
            loss.backward();
            optimizer.Step();
            optimizer.ZeroGrad();
        }
        return sw.Elapsed.TotalSeconds / steps;
    }
}
