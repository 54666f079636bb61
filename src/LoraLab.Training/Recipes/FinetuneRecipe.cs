using System.Diagnostics;
using System.Globalization;
using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.Core.Config;
using LoraLab.Core.IO;
using LoraLab.Models;
using LoraLab.Models.Bert;
using LoraLab.Training.Optim;
using TorchSharp;
using TorchSharp.Modules;

namespace LoraLab.Training.Recipes;

/// <summary>
/// <c>loralab finetune</c>: LoRA finetuning written out as one loop (nanoGPT / torchtune style). Per step, in one
/// dispose scope: LR from the schedule → loss of each micro-batch → guard → backward → grad norms of A and B → guard
/// → clip → AdamW step → snapshot of the (finite) adapter → metrics.jsonl → eval → checkpoint. A non-finite loss,
/// gradient or weight stops the run, marks it "diverged" and keeps the adapter of the last good step (mlx-lm#1658,
/// ainode#186: NaN adapters recorded as successes). Writes DIR/config.json, DIR/metrics.jsonl, DIR/checkpoints/,
/// DIR/result.json and DIR/adapter/. A resumed run (<see cref="Resume"/>) loads the newest good checkpoint and ends
/// bit-identical to a run that never stopped (same threads).
/// </summary>
public static class FinetuneRecipe
{
    public const string ConfigFile = "config.json";

    /// <summary>Loads model and data per <paramref name="config"/>, trains, writes <paramref name="outDir"/>.
    /// SIGTERM/SIGINT end the run after the current step with a checkpoint (status "interrupted").</summary>
    public static FinetuneResult Run(FinetuneConfig config, string outDir, TextWriter log, bool resume = false)
    {
        torch.set_num_threads(config.Threads);
        torch.manual_seed(config.Seed);
        using var task = FinetuneTaskFactory.Create(config, log);
        using var stop = new StopSignal();
        return Train(config, task, outDir, log, resume, stop.Token);
    }

    /// <summary>Continues the run in <paramref name="runDir"/> with its own DIR/config.json.</summary>
    public static FinetuneResult Resume(string runDir, TextWriter log)
    {
        var path = Path.Combine(runDir, ConfigFile);
        if (!File.Exists(path))
            throw new LoraLabException($"--resume {runDir}: no {ConfigFile} there (not a finetune run folder)", ExitCodes.Usage);
        return Run(ConfigLoader.Load<FinetuneConfig>(path), runDir, log, resume: true);
    }

    /// <summary>The training loop on an already built task (tests pass small models here).</summary>
    public static FinetuneResult Train(FinetuneConfig config, IFinetuneTask task, string outDir, TextWriter log,
                                       bool resume = false, CancellationToken stop = default)
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
        var named = TrainableState.Name(layers, head);
        var trainable = named.Select(n => n.Parameter).ToList();
        log.WriteLine(injection.Summary);
        using var optimizer = new LoraOptimizer(layers, head.Select(h => h.Parameter), config.Optim);
        var optimizerLines = optimizer.Describe().ToList();
        optimizerLines.ForEach(log.WriteLine);

        // One optimizer step sees batch_size × grad_accum_steps examples, in grad_accum_steps micro-batches.
        var order = new BatchOrder(task.TrainExamples, config.BatchSize * config.GradAccumSteps, (ulong)config.Seed);
        var microBatch = (order.BatchSize + config.GradAccumSteps - 1) / config.GradAccumSteps;
        var totalSteps = order.TotalSteps(config.Steps, config.Epochs);
        log.WriteLine($"training {totalSteps} steps of batch {order.BatchSize} ({order.StepsPerEpoch} steps/epoch" +
                      (config.GradAccumSteps > 1 ? $", {config.GradAccumSteps} micro-batches of {microBatch}" : "") + "), " +
                      $"schedule {EnumNames.Of(config.Schedule.Decay)} with {config.Schedule.WarmupSteps} warmup steps, grad_clip {config.GradClip}");

        // Fresh run: config.json, then step 0. Resumed run: the newest checkpoint that loads and fits.
        var resumable = new TrainableState(named, optimizer);
        var checkpoints = new CheckpointStore(outDir, config.KeepCheckpoints);
        var metricsPath = Path.Combine(outDir, "metrics.jsonl");
        var state = new CheckpointState { TotalSteps = totalSteps };
        var fromCheckpoint = false;
        if (resume)
        {
            var loaded = checkpoints.LoadLatest(log, (s, tensors) =>
            {
                if (s.TotalSteps != totalSteps) throw new LoraLabException($"checkpoint of a {s.TotalSteps}-step run, this run has {totalSteps}");
                if (!File.Exists(metricsPath) || new FileInfo(metricsPath).Length < s.MetricsBytes)
                    throw new LoraLabException($"metrics.jsonl is shorter than the checkpoint's {s.MetricsBytes} bytes");
                resumable.Check(s, tensors);
            });
            if (loaded is { } l)
            {
                resumable.Restore(l.State, l.Tensors);
                foreach (var t in l.Tensors.Values) t.Dispose();
                (state, fromCheckpoint) = (l.State, true);
                log.WriteLine($"resumed from {l.Path} (step {state.Step} of {totalSteps})");
            }
            else log.WriteLine($"no usable checkpoint in {checkpoints.Directory}: starting from step 0");
        }
        else AtomicFile.WriteAllText(Path.Combine(outDir, ConfigFile), ConfigJson.Serialize(config with { Lora = lora }) + "\n");

        using var snapshot = new LoraSnapshot(trainable);
        using var metrics = new MetricsLog(metricsPath, keepBytes: state.MetricsBytes);
        if (!fromCheckpoint && config.EvalAtStart)
            state = state with { InitialMetrics = Evaluate(task, config, metrics, 0, 0, log) };
        if (!fromCheckpoint && config.CheckpointEvery > 0) SaveCheckpoint(checkpoints, state, metrics, resumable);

        task.Model.train();
        foreach (var l in layers) l.Layer.TrackFeatures = true;
        var firstStep = state.Step;
        var progress = new ProgressReporter("finetune", totalSteps, log, start: state.Step);
        var (stepsDone, divergedAt, reason, interrupted) = (state.Step, (int?)null, (string?)null, false);
        for (var step = state.Step; step < totalSteps; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.SetLrFactor(config.Schedule.Factor(step, totalSteps) * state.LrScale);
            var lossValue = 0f;
            foreach (var micro in order.Batch(step).Chunk(microBatch))
            {
                var loss = task.Loss(micro);
                var microLoss = loss.item<float>();
                if (!float.IsFinite(microLoss)) { (divergedAt, reason) = (step + 1, $"non-finite loss {microLoss}"); break; }
                (config.GradAccumSteps == 1 ? loss : loss.div(config.GradAccumSteps)).backward();
                lossValue += microLoss / config.GradAccumSteps;
            }
            if (divergedAt is not null) break;

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
            state = state with { Step = stepsDone };
            interrupted = stop.IsCancellationRequested && stepsDone < totalSteps;
            if (interrupted || (config.CheckpointEvery > 0 && stepsDone % config.CheckpointEvery == 0))
                SaveCheckpoint(checkpoints, state, metrics, resumable);
            if (interrupted) break;
        }
        var trainSeconds = progress.Elapsed.TotalSeconds;
        foreach (var l in layers) l.Layer.TrackFeatures = false;
        if (divergedAt is not null) log.WriteLine($"DIVERGED at step {divergedAt}: {reason}; keeping the adapter of step {stepsDone}");
        if (interrupted) log.WriteLine($"interrupted after step {stepsDone}: checkpoint written; continue with --resume {outDir}");

        // The final score is the last good adapter's (on divergence the weights were never updated with NaN).
        var final = interrupted ? new Dictionary<string, double>() : Evaluate(task, config, metrics, stepsDone, order.Epoch(stepsDone), log);
        var adapterPath = config.SaveAdapter && !interrupted ? SaveAdapter(config, task, lora, Path.Combine(outDir, "adapter")) : null;

        var result = new FinetuneResult
        {
            Status = interrupted ? "interrupted" : divergedAt is null ? "completed" : "diverged",
            DivergedAtStep = divergedAt, DivergenceReason = reason,
            PrimaryMetric = task.PrimaryMetric, InitialMetrics = state.InitialMetrics, FinalMetrics = final,
            StepsPlanned = totalSteps, StepsCompleted = stepsDone, Epochs = order.Epoch(stepsDone), BatchSize = order.BatchSize,
            WallSeconds = wall.Elapsed.TotalSeconds, TrainSecondsPerStep = trainSeconds / Math.Max(1, stepsDone - firstStep),
            TrainableParameters = trainable.Where(p => p.requires_grad).Sum(p => p.numel()),
            TotalParameters = injection.TotalParameters,
            AdaptedLayers = layers.Select(l => l.Path).ToList(), OptimizerGroups = optimizer.Groups,
            OptimizerDescription = optimizerLines, Data = task.DataReports, AdapterPath = adapterPath,
            Environment = RunEnvironment.Capture(), Config = config with { Lora = lora },
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "result.json"), ConfigJson.Serialize(result) + "\n");
        return result;
    }

    static void SaveCheckpoint(CheckpointStore store, CheckpointState state, MetricsLog metrics, TrainableState resumable)
    {
        using var scope = torch.NewDisposeScope();
        store.Save(state with { MetricsBytes = metrics.Bytes, AdamSteps = resumable.AdamSteps() }, resumable.Tensors());
    }

    static Dictionary<string, double> Evaluate(IFinetuneTask task, FinetuneConfig config, MetricsLog metrics,
                                               int step, double epoch, TextWriter log)
    {
        var result = task.Evaluate(config.EvalBatchSize, config.EvalBatches).ToDictionary();
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
                         new AdapterSaveInfo(BaseModelName(config.Model), taskType, extras, modulesToSave));
        if (task is ClassificationTask { Labels: { } labels }) labels.Save(directory);      // class names for the head
        return directory;
    }

    /// <summary>adapter_config.json's base_model_name_or_path: the Hub id of MiniLM, an HF folder's _name_or_path
    /// (else its path), a llama2.c file's path as given; never an alias such as "minilm".</summary>
    static string BaseModelName(ModelSpec model) => model.Kind switch
    {
        ModelKind.Minilm => MiniLm.HubId,
        ModelKind.HfLlama or ModelKind.HfBert => PretrainedModels.NameOf(model.Path!),
        ModelKind.Llama2c => model.Path ?? "karpathy/tinyllamas", // the Hub repo of the default stories260K.bin
    };
}
