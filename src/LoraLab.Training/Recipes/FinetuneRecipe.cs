using System.Diagnostics;
using System.Globalization;
using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.IO.Config;
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
            throw new LoraLabException($"--resume {runDir}: no {ConfigFile} there (not a finetune run folder)",
                                       ExitCodes.Usage);
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
        var headParameters = head.Select(h => h.Parameter).ToList();
        log.WriteLine(injection.Summary);
        using var optimizer = new LoraOptimizer(layers, head.Select(h => h.Parameter), config.Optim);
        var optimizerLines = optimizer.Describe().ToList();
        optimizerLines.ForEach(log.WriteLine);

        // One optimizer step sees batch_size × grad_accum_steps examples, in grad_accum_steps micro-batches.
        var order = new BatchOrder(task.TrainExamples, config.BatchSize * config.GradAccumSteps, (ulong)config.Seed);
        var microBatch = (order.BatchSize + config.GradAccumSteps - 1) / config.GradAccumSteps;
        var totalSteps = order.TotalSteps(config.Steps, config.Epochs);
        log.WriteLine($"training {totalSteps} steps of batch {order.BatchSize} ({order.StepsPerEpoch} steps/epoch" +
                      (config.GradAccumSteps > 1 ? $", {config.GradAccumSteps} micro-batches of {microBatch}" : "") +
                      "), " +
                      $"schedule {EnumNames.Of(config.Schedule.Decay)} with {config.Schedule.WarmupSteps} warmup " +
                      $"steps, grad_clip {config.GradClip}");

        // Diagnostics summed as tensors every step, read every log_every steps (no per-step host reads but the
        // loss and the three group grad norms, which the guard, clipping and the monitors need anyway).
        var monitored = config.Monitors.Enabled;
        foreach (var l in layers) l.Layer.TrackFeatures = monitored;
        using var gradWindow = torch.zeros(2 * layers.Count + head.Count, dtype: torch.float64);   // Σ |g|² per matrix
        var accumulators = layers.Select(l => ($"features/{l.Path}", l.Layer.FeatureSums))
                                 .Append(("grad_squares", gradWindow)).ToList();

        // Fresh run: config.json, then step 0. Resumed run: the newest checkpoint that loads and fits.
        var resumable = new TrainableState(named, optimizer, accumulators);
        var checkpoints = new CheckpointStore(outDir, config.KeepCheckpoints);
        var metricsPath = Path.Combine(outDir, "metrics.jsonl");
        void Fits(CheckpointState s, IReadOnlyDictionary<string, torch.Tensor> tensors)
        {
            if (s.TotalSteps != totalSteps)
                throw new LoraLabException($"checkpoint of a {s.TotalSteps}-step run, this run has {totalSteps}");
            if (!File.Exists(metricsPath) || new FileInfo(metricsPath).Length < s.MetricsBytes)
                throw new LoraLabException($"metrics.jsonl is shorter than the checkpoint's {s.MetricsBytes} bytes");
            resumable.Check(s, tensors);
        }
        var state = new CheckpointState { TotalSteps = totalSteps };
        var fromCheckpoint = false;
        if (resume)
        {
            if (checkpoints.LoadLatest(log, Fits) is { } l)
            {
                resumable.Restore(l.State, l.Tensors);
                foreach (var t in l.Tensors.Values) t.Dispose();
                (state, fromCheckpoint) = (l.State, true);
                log.WriteLine($"resumed from {l.Path} (step {state.Step} of {totalSteps})");
            }
            else log.WriteLine($"no usable checkpoint in {checkpoints.Directory}: starting from step 0");
        }
        else AtomicFile.WriteAllText(Path.Combine(outDir, ConfigFile),
                                     ConfigJson.Serialize(config with { Lora = lora }) + "\n");

        using var snapshot = new LoraSnapshot(trainable);
        using var metrics = MetricsLog.Open(metricsPath, state.MetricsBytes, config.Tensorboard);
        if (!fromCheckpoint && config.EvalAtStart)
            state = state with { InitialMetrics = Evaluate(task, config, metrics, 0, 0, log) };
        if (!fromCheckpoint && config.CheckpointEvery > 0) SaveCheckpoint(checkpoints, state, metrics, resumable, null);

        var select = config.ResolvedSelectBy();
        var monitors = new InstabilityMonitors(config.Monitors, state.MonitorWindows);
        var events = new List<string>();
        void SaveBest()
        {
            if (config.SaveAdapter) SaveAdapter(config, task, lora, Path.Combine(outDir, "adapter-best"));
        }
        task.Model.train();
        var firstStep = state.Step;
        var progress = new ProgressReporter("finetune", totalSteps, log, start: state.Step);
        var (stepsDone, stopStatus, stopStep, reason) = (state.Step, (string?)null, (int?)null, (string?)null);
        // A run resumed after its early stop does not train on.
        var interrupted = false;
        var stoppedEarly = config.EarlyStoppingPatience > 0 && state.EvalsSinceBest >= config.EarlyStoppingPatience;
        for (var step = state.Step; step < totalSteps && !stoppedEarly; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.SetLrFactor(config.Schedule.Factor(step, totalSteps) * state.LrScale);
            string? failure = null;                                  // a non-finite value: diverge, or roll back
            var (failureMonitor, failureValue, failureLimit) = ("non_finite", double.NaN, double.NaN);
            var lossValue = 0f;
            foreach (var micro in order.Batch(step).Chunk(microBatch))
            {
                var loss = task.Loss(micro);
                var microLoss = loss.item<float>();
                if (!float.IsFinite(microLoss)) { failure = $"non-finite loss {microLoss}"; break; }
                (config.GradAccumSteps == 1 ? loss : loss.div(config.GradAccumSteps)).backward();
                lossValue += microLoss / config.GradAccumSteps;
            }
            if (failure is null && config.DivergenceFactor > 0)
            {
                state = state with { FirstLoss = state.FirstLoss ?? lossValue };
                if (lossValue > config.DivergenceFactor * state.FirstLoss)
                    (failure, failureMonitor, failureValue, failureLimit) = (
                        string.Format(CultureInfo.InvariantCulture, "loss {0:G4} above divergence_factor {1} x the " +
                                      "first step's {2:G4}", lossValue, config.DivergenceFactor, state.FirstLoss),
                        "divergence", lossValue, config.DivergenceFactor * state.FirstLoss.Value);
            }

            var (grads, perMatrix) = failure is null ? GradStats.Measure(layers, headParameters) : default;
            if (failure is null && !grads.IsFinite)
                failure = $"non-finite gradient (|g_A| {grads.NormA}, |g_B| {grads.NormB})";
            var (clipped, logged) = (false, (StepRecord?)null);
            if (failure is null)
            {
                clipped = grads.Clip(trainable, config.GradClip);
                optimizer.Step();
                if (monitored) gradWindow.add_(perMatrix);
                if (monitored && (step + 1) % config.LogEvery == 0)
                    logged = ReadDiagnostics(layers, snapshot, gradWindow, config.LogEvery);   // before the capture
                if (!snapshot.CaptureIfFinite())
                {
                    snapshot.Restore();
                    failure = "non-finite weights after the optimizer step";
                }
            }
            optimizer.ZeroGrad();

            // Monitors: a non-finite value always fires; the others look at this step's (finite) values.
            var fired = new List<MonitorEvent>();
            if (failure is not null)
                fired.Add(new MonitorEvent(failureMonitor, step + 1, failureValue, failureLimit, failure));
            else
            {
                stepsDone = step + 1;
                metrics.Write(TrainRecord(stepsDone, order.Epoch(stepsDone), lossValue, optimizer, grads, clipped,
                                          head.Count > 0, logged));
                progress.Report(stepsDone, string.Format(CultureInfo.InvariantCulture, "loss {0:F4}", lossValue));
                if (monitored) fired.AddRange(monitors.CheckStep(stepsDone, lossValue, grads, head.Count > 0));
                if (logged is not null)
                    fired.AddRange(monitors.CheckLog(stepsDone, logged.ZaRms!,
                                                     logged.UpdateRatio!.Select(r => r ?? double.NaN).ToList()));
            }
            var action = fired.Count == 0 ? (MonitorAction?)null
                : failure is not null && config.Monitors.Action == MonitorAction.Warn ? MonitorAction.Stop
                : config.Monitors.Action;
            if (action == MonitorAction.Rollback && (state.Rollbacks >= config.Monitors.MaxRollbacks || !monitored))
                action = MonitorAction.Stop;
            foreach (var e in fired)
            {
                metrics.Write(e.Record(action!.Value));
                log.WriteLine(e.Line(action.Value));
                events.Add(e.Line(action.Value));
            }

            if (action == MonitorAction.Rollback && checkpoints.LoadLatest(log, Fits) is { } back)
            {
                // The newest checkpoint's weights, moments, RNG, diagnostics and windows; every LR halved from here on.
                // The best-adapter bookkeeping stays (adapter-best/ on disk is still the best seen).
                resumable.Restore(back.State, back.Tensors);
                foreach (var t in back.Tensors.Values) t.Dispose();
                snapshot.CaptureIfFinite();
                state = back.State with
                {
                    LrScale = state.LrScale * 0.5, Rollbacks = state.Rollbacks + 1,
                    BestValue = state.BestValue, BestStep = state.BestStep, EvalsSinceBest = state.EvalsSinceBest,
                    FirstLoss = state.FirstLoss,
                };
                monitors = new InstabilityMonitors(config.Monitors, state.MonitorWindows);
                log.WriteLine($"rollback {state.Rollbacks}/{config.Monitors.MaxRollbacks}: " +
                              $"back to step {state.Step}, LR x {state.LrScale:G3}");
                stepsDone = state.Step;
                SaveCheckpoint(checkpoints, state, metrics, resumable, monitors);   // so a resume keeps the halved LR
                step = state.Step - 1;
                continue;
            }
            if (failure is not null || action is MonitorAction.Stop or MonitorAction.Rollback)
            {
                (stopStatus, stopStep, reason) = (failure is not null ? "diverged" : "stopped", step + 1,
                                                  fired[0].Detail);
                break;
            }

            if (config.EvalEvery > 0 && stepsDone % config.EvalEvery == 0 && stepsDone < totalSteps)
            {
                var evaluation = Evaluate(task, config, metrics, stepsDone, order.Epoch(stepsDone), log);
                state = TrackBest(state, evaluation, stepsDone, select, SaveBest, log);
                stoppedEarly = config.EarlyStoppingPatience > 0 && state.EvalsSinceBest >= config.EarlyStoppingPatience;
            }
            state = state with { Step = stepsDone };
            interrupted = stop.IsCancellationRequested && stepsDone < totalSteps;
            if (interrupted || stoppedEarly || (config.CheckpointEvery > 0 && stepsDone % config.CheckpointEvery == 0))
                SaveCheckpoint(checkpoints, state, metrics, resumable, monitors);
            if (interrupted || stoppedEarly) break;
        }
        var trainSeconds = progress.Elapsed.TotalSeconds;
        foreach (var l in layers) l.Layer.TrackFeatures = false;
        if (stopStatus is not null)
            log.WriteLine($"{stopStatus.ToUpperInvariant()} at step {stopStep}: {reason}; " +
                          $"keeping the adapter of step {stepsDone}");
        if (stoppedEarly)
            log.WriteLine($"early stop after step {stepsDone}: {config.EarlyStoppingPatience} evals without a better " +
                          $"{SelectMetrics.Key(select)} (best {state.BestValue:G5} at step {state.BestStep})");
        if (interrupted)
            log.WriteLine($"interrupted after step {stepsDone}: checkpoint written; continue with --resume {outDir}");

        // The final score is the last good adapter's (on divergence the weights were never updated with NaN).
        var final = new Dictionary<string, double>();
        if (!interrupted)
        {
            final = Evaluate(task, config, metrics, stepsDone, order.Epoch(stepsDone), log);
            if (stepsDone > 0)
                state = TrackBest(state, final, stepsDone, select, SaveBest, log);
        }
        var adapterPath = config.SaveAdapter && !interrupted
            ? SaveAdapter(config, task, lora, Path.Combine(outDir, "adapter"))
            : null;

        var result = new FinetuneResult
        {
            Status = interrupted ? "interrupted" : stopStatus ?? "completed",
            DivergedAtStep = stopStep, DivergenceReason = reason,
            PrimaryMetric = task.PrimaryMetric, InitialMetrics = state.InitialMetrics, FinalMetrics = final,
            StepsPlanned = totalSteps, StepsCompleted = stepsDone, Epochs = order.Epoch(stepsDone),
            BatchSize = order.BatchSize,
            WallSeconds = wall.Elapsed.TotalSeconds,
            TrainSecondsPerStep = trainSeconds / Math.Max(1, stepsDone - firstStep),
            TrainableParameters = trainable.Where(p => p.requires_grad).Sum(p => p.numel()),
            TotalParameters = injection.TotalParameters,
            AdaptedLayers = layers.Select(l => l.Path).ToList(), OptimizerGroups = optimizer.Groups,
            OptimizerDescription = optimizerLines, Data = task.DataReports, AdapterPath = adapterPath,
            SelectBy = SelectMetrics.Key(select), BestStep = state.BestStep, BestValue = state.BestValue,
            BestAdapterPath = config.SaveAdapter && state.BestStep is not null
                ? Path.Combine(outDir, "adapter-best")
                : null,
            StoppedEarly = stoppedEarly, Rollbacks = state.Rollbacks, LrScale = state.LrScale,
            MonitorEvents = events,
            Environment = RunEnvironment.Capture(), Config = config with { Lora = lora },
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "result.json"), ConfigJson.Serialize(result) + "\n");
        return result;
    }

    /// <summary>A new best <paramref name="select"/> saves the adapter (<paramref name="saveBest"/>) and resets the
    /// early-stopping count; otherwise the count grows.</summary>
    static CheckpointState TrackBest(CheckpointState state, IReadOnlyDictionary<string, double> metrics, int step,
                                     SelectMetric select, Action saveBest, TextWriter log)
    {
        var key = SelectMetrics.Key(select);
        if (!metrics.TryGetValue(key, out var value))
            throw new LoraLabException($"select_by {key}: the eval reports {string.Join(", ", metrics.Keys)}",
                                       ExitCodes.Usage);
        if (state.BestStep == step) return state;                               // the final eval of an eval step
        var better = state.BestValue is not { } best
                     || (SelectMetrics.HigherIsBetter(select) ? value > best : value < best);
        if (!better) return state with { EvalsSinceBest = state.EvalsSinceBest + 1 };
        saveBest();
        log.WriteLine(string.Format(CultureInfo.InvariantCulture, "best {0} {1:G5} at step {2} -> adapter-best/", key,
                                    value, step));
        return state with { BestValue = value, BestStep = step, EvalsSinceBest = 0 };
    }

    /// <summary>Every log_every steps, after the optimizer step and before the snapshot takes the new weights: per
    /// layer the Z_A/Z_B RMS since the last log, ‖s·B·A‖_F, the update ratio ‖B'A' − BA‖/‖BA‖ against the snapshot's
    /// previous factors, and each matrix's RMS grad norm over the window (then the sums restart).</summary>
    static StepRecord ReadDiagnostics(IReadOnlyList<AdaptedLayer> layers, LoraSnapshot snapshot,
                                      torch.Tensor gradWindow, int steps)
    {
        using var noGrad = torch.no_grad();
        var rows = layers.Select(l =>
        {
            var now = l.Layer.LoraB.detach().matmul(l.Layer.LoraA.detach());                     // (out, in)
            var before = snapshot.CopyOf(l.Layer.LoraB).matmul(snapshot.CopyOf(l.Layer.LoraA));
            var norms = torch.stack([now.norm().mul(l.Layer.Scale), now.sub(before).norm().div(before.norm())]);
            return torch.cat([l.Layer.TakeFeatureRms(), norms.to(torch.float64)]);                  // (4,)
        }).ToList();
        var table = torch.stack(rows).data<double>().ToArray();                                      // (L, 4) row-major
        var grads = gradWindow.div(steps).sqrt().data<double>().ToArray();                          // (2L + O,)
        gradWindow.zero_();
        var n = layers.Count;
        return new StepRecord
        {
            ZaRms = Column(0), ZbRms = Column(1), DeltaWNorm = Column(2),
            UpdateRatio = Column(3).Select(r => double.IsFinite(r) ? r : (double?)null).ToList(),
            GradNormsA = grads[..n], GradNormsB = grads[n..(2 * n)],
        };
        List<double> Column(int c) => Enumerable.Range(0, n).Select(i => table[i * 4 + c]).ToList();
    }

    static void SaveCheckpoint(CheckpointStore store, CheckpointState state, MetricsLog metrics,
                               TrainableState resumable, InstabilityMonitors? monitors)
    {
        using var scope = torch.NewDisposeScope();
        store.Save(state with
        {
            MetricsBytes = metrics.Bytes, AdamSteps = resumable.AdamSteps(),
            MonitorWindows = monitors?.Windows.ToDictionary(kv => kv.Key, kv => kv.Value.ToList())
                             ?? state.MonitorWindows,
        }, resumable.Tensors());
    }

    static Dictionary<string, double> Evaluate(IFinetuneTask task, FinetuneConfig config, MetricsLog metrics,
                                               int step, double epoch, TextWriter log)
    {
        var result = task.Evaluate(config.EvalBatchSize, config.EvalBatches).ToDictionary();
        metrics.Write(new StepRecord { Kind = "eval", Step = step, Epoch = epoch, Metrics = result });
        log.WriteLine($"eval step {step}: " + string.Join(
            ", ", result.Select(kv => string.Format(CultureInfo.InvariantCulture, "{0} {1:G5}", kv.Key, kv.Value))));
        return result;
    }

    static StepRecord TrainRecord(int step, double epoch, float loss, LoraOptimizer optimizer, GradStats grads,
                                  bool clipped, bool hasHead, StepRecord? diagnostics) =>
        (diagnostics ?? new StepRecord()) with
        {
            Kind = "train", Step = step, Epoch = epoch, Loss = loss, Lr = optimizer.CurrentLrs(),
            GradNormA = grads.NormA, GradNormB = grads.NormB, GradNormOther = hasHead ? grads.NormOther : null,
            GradNorm = grads.Total, Clipped = clipped,
        };

    /// <summary>The model's LoRA layers and head in PEFT format (the last good weights: NaN never reaches
    /// them).</summary>
    static string SaveAdapter(FinetuneConfig config, IFinetuneTask task, LoraConfig lora, string directory)
    {
        var extras = new LoralabAdapterExtras
        {
            LrA = config.Optim.EffectiveLrA, LrB = config.Optim.EffectiveLrB, Seed = config.Seed,
        };
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
        ModelKind.HfLlama or ModelKind.HfGpt2 or ModelKind.HfBert or ModelKind.HfRoberta =>
            PretrainedModels.NameOf(model.Path!),
        ModelKind.Llama2c => model.Path ?? "karpathy/tinyllamas", // the Hub repo of the default stories260K.bin
    };
}
