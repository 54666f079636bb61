namespace LoraLab.Training.Recipes;

/// <summary>
/// The data set and objective of a finetune: the built-in benchmarks (data/SOURCES.md §3–§5) and the four kinds of
/// user data (<see cref="Classify"/>, <see cref="Lm"/>, <see cref="Instruct"/>, <see cref="Chat"/>), whose files are
/// given by data.train_path (docs: README "Your own data").
/// </summary>
public enum FinetuneTask
{
    Sst2, Cola, Mrpc, Qnli, Rte,
    Wikitext2, Tinyshakespeare, Tinystories, Gsm8k,
    /// <summary>Text (or text pair) classification from CSV/TSV/JSONL/JSON/Parquet columns, string or integer
    /// labels.</summary>
    Classify,
    /// <summary>Causal language modelling on a .txt corpus or a text column.</summary>
    Lm,
    /// <summary>Instruction records (instruction/input/output) in Alpaca's prompt, loss on the response only.</summary>
    Instruct,
    /// <summary>Chat records (messages of role/content) in a built-in chat template, loss on assistant turns only.
    /// </summary>
    Chat,
}

/// <summary>Properties of each <see cref="FinetuneTask"/>.</summary>
public static class FinetuneTasks
{
    /// <summary>Whether the task trains an encoder with a classification head (else a decoder as a causal LM).
    /// </summary>
    public static bool IsClassification(FinetuneTask task) => task switch
    {
        FinetuneTask.Sst2 or FinetuneTask.Cola or FinetuneTask.Mrpc or FinetuneTask.Qnli or FinetuneTask.Rte
            or FinetuneTask.Classify => true,
        FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories or FinetuneTask.Gsm8k
            or FinetuneTask.Lm or FinetuneTask.Instruct or FinetuneTask.Chat => false,
    };

    /// <summary>Whether the task reads the user's files (data.train_path required) rather than a built-in data
    /// set.</summary>
    public static bool IsUserData(FinetuneTask task) => task switch
    {
        FinetuneTask.Classify or FinetuneTask.Lm or FinetuneTask.Instruct or FinetuneTask.Chat => true,
        FinetuneTask.Sst2 or FinetuneTask.Cola or FinetuneTask.Mrpc or FinetuneTask.Qnli or FinetuneTask.Rte
            or FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories
            or FinetuneTask.Gsm8k => false,
    };

    /// <summary>Default (train, eval) files under data/; the same path twice means one file split by the recipe.
    /// User-data tasks have none (train: data.train_path; eval: data.eval_path, else a seeded split).</summary>
    public static (string? Train, string? Eval) DefaultPaths(FinetuneTask task) => task switch
    {
        FinetuneTask.Sst2 => ("data/sst2/train.tsv", "data/sst2/glue_dev.tsv"),
        FinetuneTask.Cola => ("data/cola/train.tsv", "data/cola/dev.tsv"),
        FinetuneTask.Mrpc => ("data/mrpc/train.tsv", "data/mrpc/dev.tsv"),
        FinetuneTask.Qnli => ("data/qnli/dev.tsv", "data/qnli/dev.tsv"),
        FinetuneTask.Rte => ("data/rte/dev.tsv", "data/rte/dev.tsv"),
        FinetuneTask.Wikitext2 => ("data/wikitext-2/valid.txt", "data/wikitext-2/test.txt"),
        FinetuneTask.Tinyshakespeare => ("data/tinyshakespeare/input.txt", "data/tinyshakespeare/input.txt"),
        FinetuneTask.Tinystories => ("data/tinystories/tinystories_val_sample.txt",
                                     "data/tinystories/tinystories_val_sample.txt"),
        FinetuneTask.Gsm8k => ("data/gsm8k/train.jsonl", "data/gsm8k/test.jsonl"),
        FinetuneTask.Classify or FinetuneTask.Lm or FinetuneTask.Instruct or FinetuneTask.Chat => (null, null),
    };

    /// <summary>The metric that decides the run (printed in the summary, first in result.json).</summary>
    public static string PrimaryMetric(FinetuneTask task) => task switch
    {
        FinetuneTask.Cola => "mcc",
        FinetuneTask.Mrpc => "f1",
        FinetuneTask.Sst2 or FinetuneTask.Qnli or FinetuneTask.Rte or FinetuneTask.Classify => "accuracy",
        FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories or FinetuneTask.Gsm8k
            or FinetuneTask.Lm or FinetuneTask.Instruct or FinetuneTask.Chat => "perplexity",
    };

    /// <summary>
    /// What a zero-config run (<c>loralab finetune --task ...</c> without these keys in --config/--set) starts from,
    /// as <c>--set</c> assignments applied under everything else. Classification: 3 epochs (the Hugging Face
    /// Trainer's default) and mean pooling (how all-MiniLM-L6-v2 was trained); decoders: 3 epochs over the records
    /// (1 over a corpus) at 256 tokens.
    /// </summary>
    public static IReadOnlyList<string> ZeroConfigDefaults(FinetuneTask task) => task switch
    {
        FinetuneTask.Classify => ["steps=0", "epochs=3", "max_seq_len=128", "pooling=mean", "eval_every=0"],
        FinetuneTask.Lm => ["steps=0", "epochs=1", "max_seq_len=256", "eval_every=0"],
        FinetuneTask.Instruct or FinetuneTask.Chat => ["steps=0", "epochs=3", "max_seq_len=256", "eval_every=0"],
        FinetuneTask.Sst2 or FinetuneTask.Cola or FinetuneTask.Mrpc or FinetuneTask.Qnli or FinetuneTask.Rte
            or FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories
            or FinetuneTask.Gsm8k => [],
    };
}
