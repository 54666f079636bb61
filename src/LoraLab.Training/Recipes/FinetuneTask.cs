namespace LoraLab.Training.Recipes;

/// <summary>The data set and objective of a finetune (data/SOURCES.md §3–§5).</summary>
public enum FinetuneTask
{
    Sst2, Cola, Mrpc, Qnli, Rte,
    Wikitext2, Tinyshakespeare, Tinystories, Gsm8k,
}

/// <summary>Properties of each <see cref="FinetuneTask"/>.</summary>
public static class FinetuneTasks
{
    public static bool IsClassification(FinetuneTask task) => task <= FinetuneTask.Rte;

    /// <summary>Default (train, eval) files under data/; the same path twice means one file split by the recipe.</summary>
    public static (string Train, string Eval) DefaultPaths(FinetuneTask task) => task switch
    {
        FinetuneTask.Sst2 => ("data/sst2/train.tsv", "data/sst2/glue_dev.tsv"),
        FinetuneTask.Cola => ("data/cola/train.tsv", "data/cola/dev.tsv"),
        FinetuneTask.Mrpc => ("data/mrpc/train.tsv", "data/mrpc/dev.tsv"),
        FinetuneTask.Qnli => ("data/qnli/dev.tsv", "data/qnli/dev.tsv"),
        FinetuneTask.Rte => ("data/rte/dev.tsv", "data/rte/dev.tsv"),
        FinetuneTask.Wikitext2 => ("data/wikitext-2/valid.txt", "data/wikitext-2/test.txt"),
        FinetuneTask.Tinyshakespeare => ("data/tinyshakespeare/input.txt", "data/tinyshakespeare/input.txt"),
        FinetuneTask.Tinystories => ("data/tinystories/tinystories_val_sample.txt", "data/tinystories/tinystories_val_sample.txt"),
        FinetuneTask.Gsm8k => ("data/gsm8k/train.jsonl", "data/gsm8k/test.jsonl"),
    };

    /// <summary>The metric that decides the run (printed in the summary, first in result.json).</summary>
    public static string PrimaryMetric(FinetuneTask task) => task switch
    {
        FinetuneTask.Cola => "mcc",
        FinetuneTask.Mrpc => "f1",
        FinetuneTask.Sst2 or FinetuneTask.Qnli or FinetuneTask.Rte => "accuracy",
        FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories or FinetuneTask.Gsm8k => "perplexity",
    };
}
