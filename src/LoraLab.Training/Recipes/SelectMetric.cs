namespace LoraLab.Training.Recipes;

/// <summary>The eval metric that picks the best adapter (DIR/adapter-best/) and drives early stopping.</summary>
public enum SelectMetric
{
    Accuracy, F1, Mcc, Loss, Perplexity,
}

public static class SelectMetrics
{
    /// <summary>Its key in the eval metrics.</summary>
    public static string Key(SelectMetric metric) => metric switch
    {
        SelectMetric.Accuracy => "accuracy",
        SelectMetric.F1 => "f1",
        SelectMetric.Mcc => "mcc",
        SelectMetric.Loss => "loss",
        SelectMetric.Perplexity => "perplexity",
    };

    public static bool HigherIsBetter(SelectMetric metric) => metric switch
    {
        SelectMetric.Accuracy or SelectMetric.F1 or SelectMetric.Mcc => true,
        SelectMetric.Loss or SelectMetric.Perplexity => false,
    };

    /// <summary>The task's primary metric (accuracy, f1, mcc, perplexity) as a <see cref="SelectMetric"/>.</summary>
    public static SelectMetric FromPrimary(FinetuneTask task) => task switch
    {
        FinetuneTask.Cola => SelectMetric.Mcc,
        FinetuneTask.Mrpc => SelectMetric.F1,
        FinetuneTask.Sst2 or FinetuneTask.Qnli or FinetuneTask.Rte or FinetuneTask.Classify => SelectMetric.Accuracy,
        FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories or FinetuneTask.Gsm8k
            or FinetuneTask.Lm or FinetuneTask.Instruct or FinetuneTask.Chat => SelectMetric.Perplexity,
    };
}
