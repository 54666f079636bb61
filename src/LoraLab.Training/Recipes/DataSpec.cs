using LoraLab.Training.Data;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Where the data is and how it is read. Paths are relative to the current directory; null takes the task's default
/// under data/ (<see cref="FinetuneTasks.DefaultPaths"/>; user-data tasks need train_path). When train and eval are
/// the same file, or eval_path is null for a user-data task, the file is split: records by <see cref="SeededSplit"/>
/// (seed <see cref="SplitSeed"/>), plain-text corpora contiguously (first <see cref="TrainFraction"/> of the
/// characters for training, nanoGPT's convention).
/// </summary>
public sealed record DataSpec
{
    public string? TrainPath { get; init; }
    public string? EvalPath { get; init; }
    /// <summary>File format of train_path and eval_path; auto goes by the extension (<see cref="DataFormat"/>).
    /// </summary>
    public DataFormat Format { get; init; } = DataFormat.Auto;
    /// <summary>Malformed rows: "skip" leaves them out (up to <see cref="MaxBadFraction"/>), "error" stops at the
    /// first; both report them with file:line.</summary>
    public BadRowPolicy OnBadRows { get; init; } = BadRowPolicy.Skip;
    /// <summary>Under "skip", stop when more than this fraction of a file's rows is bad.</summary>
    public double MaxBadFraction { get; init; } = 0.01;
    /// <summary>Train share when one file is split (QNLI, RTE: 0.8; tinyshakespeare, tinystories: 0.9 is
    /// usual).</summary>
    public double TrainFraction { get; init; } = 0.8;
    public ulong SplitSeed { get; init; } = 0;
    /// <summary>Share of the training examples withheld from training and scored at every eval as heldout_* metrics
    /// (0 = none): the last blocks of a text corpus, a seeded split (split_seed) of records. Choose an LR on it and
    /// report the eval set (<see cref="HeldOutSlice"/>).</summary>
    public double HeldoutFraction { get; init; } = 0;
    /// <summary>Use at most this many training examples (0 = all), the first ones in file order.</summary>
    public int MaxTrainExamples { get; init; } = 0;
    /// <summary>Evaluate on at most this many examples (0 = all), the first ones in file order.</summary>
    public int MaxEvalExamples { get; init; } = 0;
    /// <summary>Task classify and lm (record files): the column holding the text.</summary>
    public string TextColumn { get; init; } = "text";
    /// <summary>Task classify: the column holding the second text of a pair (null = single texts).</summary>
    public string? TextPairColumn { get; init; }
    /// <summary>Task classify: the column holding the label (a string or an integer).</summary>
    public string LabelColumn { get; init; } = "label";
    /// <summary>Task classify: the classes in index order; empty = the training file's labels, integers in numeric
    /// order, otherwise in ordinal string order. Written to adapter/label_map.json.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    /// <summary>Task chat: the column holding the list of {role, content} messages.</summary>
    public string MessagesColumn { get; init; } = "messages";
    /// <summary>Task chat: the built-in template; auto picks one from the model folder (Jinja is never run).</summary>
    public ChatTemplateKind ChatTemplate { get; init; } = ChatTemplateKind.Auto;
}
