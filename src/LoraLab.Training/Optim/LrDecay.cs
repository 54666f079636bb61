namespace LoraLab.Training.Optim;

/// <summary>The shape of the learning rate after warmup.</summary>
public enum LrDecay
{
    /// <summary>Stay at the peak.</summary>
    Constant,
    /// <summary>Straight line from the peak down to min_lr_ratio·peak at the end of the run (HF
    /// get_linear_schedule_with_warmup).</summary>
    Linear,
    /// <summary>Half cosine from the peak to min_lr_ratio·peak (HF get_cosine_schedule_with_warmup, nanoGPT
    /// get_lr).</summary>
    Cosine,
    /// <summary>The LR range test's ramp (Smith 2017; Lightning's <c>_ExponentialLR</c>, fastai's <c>SchedExp</c>):
    /// lr · min_lr_ratio^(1 − step/total_steps), exponential from min_lr_ratio·lr at step 0 towards lr; no warmup.
    /// <c>loralab lr-find</c> runs it.</summary>
    RangeTest,
}
