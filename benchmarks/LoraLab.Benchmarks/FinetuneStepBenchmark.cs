using System.Diagnostics;
using System.Globalization;
using LoraLab.Core;
using LoraLab.Core.Config;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// The training step of <c>loralab finetune --config PATH</c> without the recipe's bookkeeping: the same task, data,
/// batch order, LoRA injection, trainable head, optimizer and LR schedule, threads from the config, but per step only
/// loss → backward → optimizer step → zero_grad (no gradient statistics or clipping, no feature tracking, no
/// snapshot, no metrics line). Its mean s/step over the first <c>--steps</c> steps (default 20) is what
/// <c>finetune --set steps=N --set eval_every=0 --set eval_at_start=false</c> reports as train_seconds_per_step
/// (result.json) over the same batches; the difference is the recipe's overhead.
/// </summary>
public static class FinetuneStepBenchmark
{
    public static void Run(string configPath, int steps)
    {
        var config = ConfigLoader.Load<FinetuneConfig>(configPath, []);
        set_num_threads(config.Threads);
        manual_seed(config.Seed);
        using var task = FinetuneTaskFactory.Create(config, TextWriter.Null);
        var injection = LoraInjector.Inject(task.Model, config.ResolvedLora());
        foreach (var (_, p) in task.HeadParameters) p.requires_grad = true;
        var head = task.HeadParameters.Select(h => h.Parameter);
        using var optimizer = new LoraOptimizer(injection.Layers, head, config.Optim);
        var order = new BatchOrder(task.TrainExamples, config.BatchSize, (ulong)config.Seed);
        var total = order.TotalSteps(config.Steps, config.Epochs);
        task.Model.train();
        var ms = new List<double>();
        for (var step = 0; step < steps; step++)
        {
            var sw = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            optimizer.SetLrFactor(config.Schedule.Factor(step, total));
            var loss = task.Loss(order.Batch(step));
            loss.item<float>();
            loss.backward();
            optimizer.Step();
            optimizer.ZeroGrad();
            ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        var sorted = ms.Order().ToList();
        var t = new Harness.Timing($"finetune step ({Path.GetFileName(configPath)}, threads {config.Threads})",
            sorted[sorted.Count / 2], sorted[0], sorted[^1], steps, 1);
        PeerOutput.Result("finetune-step", t, string.Create(CultureInfo.InvariantCulture,
            $"mean {ms.Average() / 1e3:F4} s/step over steps 1-{steps} (compare finetune's train_seconds_per_step)"));
    }
}
