using System.Diagnostics;
using System.Globalization;
using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.Core.Config;
using LoraLab.Training.Optim;
using TorchSharp;
using TorchSharp.Modules;

namespace LoraLab.Training.Recipes;

/// <summary>
/// <c>loralab finetune</c>: LoRA finetuning written out as one loop (nanoGPT / torchtune style). Per step, in one
/// dispose scope: LR from the schedule → loss → guard → backward → grad norms of A and B → guard → clip → AdamW step
/// → snapshot of the (finite) adapter → metrics.jsonl. A non-finite loss, gradient or weight stops the run, marks it
/// "diverged" and keeps the adapter of the last good step (mlx-lm#1658, ainode#186: NaN adapters recorded as
/// successes). Writes DIR/metrics.jsonl, DIR/result.json and DIR/adapter/.
/// </summary>
public static class FinetuneRecipe
{
    /// <summary>Loads model and data per <paramref name="config"/>, trains, writes <paramref name="outDir"/>.</summary>
    public static FinetuneResult Run(FinetuneConfig config, string outDir, TextWriter log)
    {
        torch.set_num_threads(config.Threads);
        torch.manual_seed(config.Seed);
        using var task = FinetuneTaskFactory.Create(config, log);
        return Train(config, task, outDir, log);
    }

    /// <summary>The training loop on an already built task (tests pass small models here).</summary>
    public static FinetuneResult Train(FinetuneConfig config, IFinetuneTask task, string outDir, TextWriter log)
    {
        var wall = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        foreach (var report in task.DataReports)
            foreach (var line in report.Describe()) log.WriteLine(line);

        // LoRA into the model; the head (if any) is trained in full.
        var lora = config.ResolvedLora();
        var injection = LoraInjector.Inject(task.Model, lora);
        var head = task.HeadParameters;
        foreach (var (_, p) in head) p.requires_grad = true;
        var layers = injection.Layers;
        var trainable = layers.SelectMany(l => new[] { l.Layer.LoraA, l.Layer.LoraB }).Concat(head.Select(h => h.Parameter)).ToList();
        log.WriteLine(injection.Summary);
        using var optimizer = new LoraOptimizer(layers, head.Select(h => h.Parameter), config.Optim);
        var optimizerLines = optimizer.Describe().ToList();
        optimizerLines.ForEach(log.WriteLine);

        var order = new BatchOrder(task.TrainExamples, config.BatchSize, (ulong)config.Seed);
        var totalSteps = order.TotalSteps(config.Steps, config.Epochs);
        log.WriteLine($"training {totalSteps} steps of batch {order.BatchSize} ({order.StepsPerEpoch} steps/epoch), " +
                      $"schedule {EnumNames.Of(config.Schedule.Decay)} with {config.Schedule.WarmupSteps} warmup steps, grad_clip {config.GradClip}");

        using var snapshot = new LoraSnapshot(trainable);
        using var metrics = new MetricsLog(Path.Combine(outDir, "metrics.jsonl"));
        IReadOnlyDictionary<string, double>? initial = null;
        if (config.EvalAtStart) initial = Evaluate(task, config, metrics, 0, 0, log);

        task.Model.train();
        foreach (var l in layers) l.Layer.TrackFeatures = true;
        var progress = new ProgressReporter("finetune", totalSteps, log);
        var (stepsDone, divergedAt, reason) = (0, (int?)null, (string?)null);
        for (var step = 0; step < totalSteps; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.SetLrFactor(config.Schedule.Factor(step, totalSteps));
            var loss = task.Loss(order.Batch(step));
            var lossValue = loss.item<float>();
            if (!float.IsFinite(lossValue)) { (divergedAt, reason) = (step + 1, $"non-finite loss {lossValue}"); break; }

            loss.backward();
            var grads = GradStats.Measure(layers, head.Select(h => h.Parameter).ToList());
            if (!grads.IsFinite) { (divergedAt, reason) = (step + 1, $"non-finite gradient (|g_A| {grads.NormA}, |g_B| {grads.NormB})"); break; }
            var clipped = grads.Clip(trainable, config.GradClip);
            optimizer.Step();
            optimizer.ZeroGrad();
            if (!snapshot.CaptureIfFinite())
            {
                snapshot.Restore();
                (divergedAt, reason) = (step + 1, "non-finite weights after the optimizer step");
                break;
            }
            stepsDone = step + 1;

            metrics.Write(TrainRecord(stepsDone, order.Epoch(stepsDone), lossValue, optimizer, grads, clipped, layers, head.Count > 0));
            progress.Report(stepsDone, string.Format(CultureInfo.InvariantCulture, "loss {0:F4}", lossValue));
            if (config.EvalEvery > 0 && stepsDone % config.EvalEvery == 0 && stepsDone < totalSteps)
                Evaluate(task, config, metrics, stepsDone, order.Epoch(stepsDone), log);
        }
        var trainSeconds = progress.Elapsed.TotalSeconds;
        foreach (var l in layers) l.Layer.TrackFeatures = false;
        if (divergedAt is not null) log.WriteLine($"DIVERGED at step {divergedAt}: {reason}; keeping the adapter of step {stepsDone}");

        // The final score is the last good adapter's (on divergence the weights were never updated with NaN).
        var final = Evaluate(task, config, metrics, stepsDone, order.Epoch(stepsDone), log);
        var adapterPath = config.SaveAdapter ? SaveAdapter(config, task, lora, Path.Combine(outDir, "adapter")) : null;

        var result = new FinetuneResult
        {
            Status = divergedAt is null ? "completed" : "diverged", DivergedAtStep = divergedAt, DivergenceReason = reason,
            PrimaryMetric = task.PrimaryMetric, InitialMetrics = initial, FinalMetrics = final,
            StepsPlanned = totalSteps, StepsCompleted = stepsDone, Epochs = order.Epoch(stepsDone), BatchSize = order.BatchSize,
            WallSeconds = wall.Elapsed.TotalSeconds, TrainSecondsPerStep = trainSeconds / Math.Max(1, stepsDone),
            TrainableParameters = trainable.Where(p => p.requires_grad).Sum(p => p.numel()),
            TotalParameters = injection.TotalParameters,
            AdaptedLayers = layers.Select(l => l.Path).ToList(), OptimizerGroups = optimizer.Groups,
            OptimizerDescription = optimizerLines, Data = task.DataReports, AdapterPath = adapterPath,
            Environment = RunEnvironment.Capture(), Config = config with { Lora = lora },
        };
        File.WriteAllText(Path.Combine(outDir, "result.json"), ConfigJson.Serialize(result) + "\n");
        return result;
    }

    static IReadOnlyDictionary<string, double> Evaluate(IFinetuneTask task, FinetuneConfig config, MetricsLog metrics,
                                                        int step, double epoch, TextWriter log)
    {
        var result = task.Evaluate(config.EvalBatchSize, config.EvalBatches);
        metrics.Write(new StepRecord { Kind = "eval", Step = step, Epoch = epoch, Metrics = result });
        log.WriteLine($"eval step {step}: " + string.Join(", ", result.Select(kv => string.Format(CultureInfo.InvariantCulture, "{0} {1:G5}", kv.Key, kv.Value))));
        return result;
    }

    static StepRecord TrainRecord(int step, double epoch, float loss, LoraOptimizer optimizer, GradStats grads, bool clipped,
                                  IReadOnlyList<AdaptedLayer> layers, bool hasHead) => new()
    {
        Step = step, Epoch = epoch, Loss = loss, Lr = optimizer.CurrentLrs(),
        GradNormA = grads.NormA, GradNormB = grads.NormB, GradNormOther = hasHead ? grads.NormOther : null,
        GradNorm = grads.Total, Clipped = clipped,
        ZaRms = layers.Select(l => l.Layer.LastZaRms).ToList(), ZbRms = layers.Select(l => l.Layer.LastZbRms).ToList(),
    };

    /// <summary>The model's LoRA layers and head in PEFT format (the last good weights: NaN never reaches them).</summary>
    static string SaveAdapter(FinetuneConfig config, IFinetuneTask task, LoraConfig lora, string directory)
    {
        var extras = new LoralabAdapterExtras { LrA = config.Optim.EffectiveLrA, LrB = config.Optim.EffectiveLrB, Seed = config.Seed };
        var modulesToSave = task.HeadParameters.Select(h => h.Name.Split('.')[0]).Distinct().ToList();
        var taskType = FinetuneTasks.IsClassification(config.Task) ? "SEQ_CLS" : "CAUSAL_LM";
        PeftAdapter.Save(directory, task.Model, lora,
                         new AdapterSaveInfo(config.Model.Path ?? EnumNames.Of(config.Model.Kind), taskType, extras, modulesToSave));
        return directory;
    }
}
