using LoraLab.Core;
using LoraLab.IO.Config;
using LoraLab.Models.Bert;
using LoraLab.Training.Optim;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Everything a <c>loralab finetune</c> run needs: defaults here, overridden by a JSON file (configs/*.json) and
/// <c>--set key.path=value</c> through <see cref="ConfigLoader"/>. The resolved config is stored in result.json.
/// </summary>
public sealed record FinetuneConfig : IValidatable
{
    public ModelSpec Model { get; init; } = new();
    public FinetuneTask Task { get; init; } = FinetuneTask.Sst2;
    public DataSpec Data { get; init; } = new();
    /// <summary>Classification: longest tokenized example (longer ones truncated). Causal LM: the block
    /// length.</summary>
    public int MaxSeqLen { get; init; } = 128;
    public int BatchSize { get; init; } = 16;
    /// <summary>Optimizer steps; set 0 and use <see cref="Epochs"/> instead.</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>Passes over the training set (0 = use <see cref="Steps"/>); steps = ceil(epochs · examples /
    /// batch).</summary>
    public double Epochs { get; init; } = 0;
    /// <summary>Evaluate every this many steps (0 = only before training and at the end).</summary>
    public int EvalEvery { get; init; } = 200;
    /// <summary>Evaluate on at most this many batches (0 = the whole eval set).</summary>
    public int EvalBatches { get; init; } = 0;
    public int EvalBatchSize { get; init; } = 64;
    /// <summary>Evaluate the model before the first step (the base model's score, as LoRA starts at ΔW = 0 for
    /// Init[A]/[B]).</summary>
    public bool EvalAtStart { get; init; } = true;
    /// <summary>LoRA; an empty target_modules takes the model's default (["query","value"] for BERT,
    /// ["q_proj","v_proj"] for Llama).</summary>
    public LoraConfig Lora { get; init; } = new();
    /// <summary>AdamW groups for lora_A, lora_B and other (the classification head: optim.lr_other).</summary>
    public OptimizerConfig Optim { get; init; } = new();
    public LrSchedule Schedule { get; init; } = new();
    /// <summary>A training loss above this × the first step's loss (before any update) ends the run as diverged,
    /// like a non-finite one (0 = off; the toy's divergence_factor; 1.5 is issue 14's stability-edge rule).
    /// </summary>
    public double DivergenceFactor { get; init; } = 0;
    /// <summary>Max global grad norm over all trainable parameters (0 = no clipping).</summary>
    public double GradClip { get; init; } = 1.0;
    public int Seed { get; init; } = 0;
    /// <summary>torch intra-op threads. 1 by default: a second thread buys little on LoRA shapes
    /// (docs/reference/feasibility.md §2.2), and on a shared machine OpenMP's spinning threads made a stories260K step
    /// 14× slower (5.99 s vs 0.42 s).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Classification pooling: cls, mean (or pooler where the model has one).</summary>
    public BertPooling Pooling { get; init; } = BertPooling.Cls;
    /// <summary>Dropout before the classification head (null = the encoder's hidden dropout).</summary>
    public double? ClassifierDropout { get; init; }
    /// <summary>Write DIR/adapter/ (PEFT format) at the end (and the last good one on divergence).</summary>
    public bool SaveAdapter { get; init; } = true;
    /// <summary>Micro-batches of <see cref="BatchSize"/> per optimizer step (the step sees batch_size × this
    /// examples; each micro-batch's mean loss is scaled by 1/this, so the gradient is that of the whole
    /// batch).</summary>
    public int GradAccumSteps { get; init; } = 1;
    /// <summary>Write DIR/checkpoints/step-N.safetensors every this many steps (0 = never; a SIGTERM/SIGINT still
    /// writes one, and a step-0 checkpoint is written whenever this is > 0). <c>--resume DIR</c> continues from the
    /// newest good one.</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Checkpoints kept (the newest).</summary>
    public int KeepCheckpoints { get; init; } = 2;
    /// <summary>Read the per-layer diagnostics (Z_A/Z_B RMS, ‖ΔW‖, update ratio, per-matrix grad norms; accumulated
    /// as tensors every step) into metrics.jsonl and the monitors every this many steps.</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Instability monitors and what they do (docs/finetune.md).</summary>
    public MonitorConfig Monitors { get; init; } = new();
    /// <summary>Eval metric that picks DIR/adapter-best/ (null: the task's primary metric); direction from the
    /// metric.</summary>
    public SelectMetric? SelectBy { get; init; }
    /// <summary>Stop after this many evals in a row without a new best select_by (0 = never).</summary>
    public int EarlyStoppingPatience { get; init; } = 0;
    /// <summary>Mirror metrics.jsonl into TensorBoard scalars (DIR/events.out.tfevents.*;
    /// docs/tensorboard.md).</summary>
    public bool Tensorboard { get; init; } = true;

    /// <summary>select_by, or the task's primary metric.</summary>
    public SelectMetric ResolvedSelectBy() => SelectBy ?? SelectMetrics.FromPrimary(Task);

    /// <summary>The LoRA config with the model's default targets filled in.</summary>
    public LoraConfig ResolvedLora() => Lora.TargetModules.Count > 0 || Lora.TargetRegex is not null
        ? Lora
        : Lora with { TargetModules = DefaultTargets(Model.Kind) };

    /// <summary>PEFT's default target_modules per architecture
    /// (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING: bert → query, value; llama → q_proj, v_proj; gpt2 →
    /// c_attn).</summary>
    public static IReadOnlyList<string> DefaultTargets(ModelKind kind) => kind switch
    {
        ModelKind.Minilm or ModelKind.HfBert or ModelKind.HfRoberta => ["query", "value"],
        ModelKind.Llama2c or ModelKind.HfLlama => ["q_proj", "v_proj"],
        ModelKind.HfGpt2 => ["c_attn"],
    };

    public IEnumerable<string> Validate()
    {
        foreach (var e in Lora.Validate()) yield return "lora." + e;
        foreach (var e in Optim.Validate()) yield return e;
        foreach (var e in Schedule.Validate()) yield return e;
        foreach (var e in Monitors.Validate()) yield return e;
        if (Model.Kind is (ModelKind.HfLlama or ModelKind.HfGpt2 or ModelKind.HfBert or ModelKind.HfRoberta)
            && string.IsNullOrEmpty(Model.Path))
            yield return $"model.path must name the Hugging Face folder for model.kind {EnumNames.Of(Model.Kind)}";
        var classification = FinetuneTasks.IsClassification(Task);
        if (classification && Model.Kind is not (ModelKind.Minilm or ModelKind.HfBert or ModelKind.HfRoberta))
            yield return $"task {EnumNames.Of(Task)} is classification and needs an encoder model " +
                         $"(minilm, hf-bert, hf-roberta), got {EnumNames.Of(Model.Kind)}";
        if (!classification && Model.Kind is not (ModelKind.Llama2c or ModelKind.HfLlama or ModelKind.HfGpt2))
            yield return $"task {EnumNames.Of(Task)} is language modelling and needs a decoder model (llama2c, " +
                $"hf-llama, hf-gpt2), got {EnumNames.Of(Model.Kind)}";
        if (FinetuneTasks.IsUserData(Task) && string.IsNullOrEmpty(Data.TrainPath))
            yield return $"task {EnumNames.Of(Task)} reads your files: set data.train_path (--data FILE)";
        if (!(Data.MaxBadFraction is >= 0 and <= 1))
            yield return $"data.max_bad_fraction must be in [0, 1], got {Data.MaxBadFraction}";
        if (MaxSeqLen < 4) yield return $"max_seq_len must be >= 4, got {MaxSeqLen}";
        if (BatchSize < 1) yield return $"batch_size must be >= 1, got {BatchSize}";
        if (EvalBatchSize < 1) yield return $"eval_batch_size must be >= 1, got {EvalBatchSize}";
        if (Steps < 0) yield return $"steps must be >= 0, got {Steps}";
        if (!(Epochs >= 0) || double.IsInfinity(Epochs)) yield return $"epochs must be >= 0, got {Epochs}";
        if (Steps > 0 && Epochs > 0) yield return "steps and epochs are both set: set steps=0 to train by epochs";
        if (Steps == 0 && Epochs == 0) yield return "steps and epochs are both 0: nothing to train";
        if (EvalEvery < 0) yield return $"eval_every must be >= 0, got {EvalEvery}";
        if (EvalBatches < 0) yield return $"eval_batches must be >= 0, got {EvalBatches}";
        if (!(DivergenceFactor == 0 || DivergenceFactor > 1) || double.IsInfinity(DivergenceFactor))
            yield return $"divergence_factor must be 0 (off) or > 1, got {DivergenceFactor}";
        if (!(GradClip >= 0)) yield return $"grad_clip must be >= 0, got {GradClip}";
        if (Threads < 1) yield return $"threads must be >= 1, got {Threads}";
        if (GradAccumSteps < 1) yield return $"grad_accum_steps must be >= 1, got {GradAccumSteps}";
        if (CheckpointEvery < 0) yield return $"checkpoint_every must be >= 0, got {CheckpointEvery}";
        if (KeepCheckpoints < 1) yield return $"keep_checkpoints must be >= 1, got {KeepCheckpoints}";
        if (LogEvery < 1) yield return $"log_every must be >= 1, got {LogEvery}";
        if (EarlyStoppingPatience < 0)
            yield return $"early_stopping_patience must be >= 0, got {EarlyStoppingPatience}";
        if (EarlyStoppingPatience > 0 && EvalEvery == 0) yield return "early_stopping_patience needs eval_every > 0";
        if (Monitors.Enabled && Monitors.Action == MonitorAction.Rollback && CheckpointEvery == 0)
            yield return "monitors.action rollback needs checkpoint_every > 0 (it goes back to the newest checkpoint)";
        var select = ResolvedSelectBy();
        if (classification && select == SelectMetric.Perplexity)
            yield return $"select_by perplexity: task {EnumNames.Of(Task)} is classification (accuracy, loss, " +
                "or its f1/mcc)";
        if (!classification && select is SelectMetric.Accuracy or SelectMetric.F1 or SelectMetric.Mcc)
            yield return $"select_by {EnumNames.Of(select)}: task {EnumNames.Of(Task)} is language modelling (loss, " +
                "perplexity)";
        if (select == SelectMetric.F1 && Task != FinetuneTask.Mrpc
            || select == SelectMetric.Mcc && Task != FinetuneTask.Cola)
            if (classification)
                yield return $"select_by {EnumNames.Of(select)}: task {EnumNames.Of(Task)} reports accuracy and loss";
        if (!(Data.TrainFraction is > 0 and < 1))
            yield return $"data.train_fraction must be in (0, 1), got {Data.TrainFraction}";
        if (!(Data.HeldoutFraction is >= 0 and < 1))
            yield return $"data.heldout_fraction must be in [0, 1), got {Data.HeldoutFraction}";
        if (Data.MaxTrainExamples < 0)
            yield return $"data.max_train_examples must be >= 0, got {Data.MaxTrainExamples}";
        if (Data.MaxEvalExamples < 0) yield return $"data.max_eval_examples must be >= 0, got {Data.MaxEvalExamples}";
        if (ClassifierDropout is { } d && !(d is >= 0 and < 1))
            yield return $"classifier_dropout must be in [0, 1), got {d}";
    }
}
