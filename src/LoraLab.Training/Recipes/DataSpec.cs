using LoraLab.Training.Data;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Where the data is and how it is read. Paths are relative to the current directory; null takes the task's default
/// under data/ (<see cref="FinetuneTasks.DefaultPaths"/>). When train and eval are the same file, it is split:
/// GLUE files by <see cref="SeededSplit"/> (seed <see cref="SplitSeed"/>), text files contiguously (first
/// <see cref="TrainFraction"/> of the characters for training, nanoGPT's convention).
/// </summary>
public sealed record DataSpec
{
    public string? TrainPath { get; init; }
    public string? EvalPath { get; init; }
    /// <summary>Malformed rows: "error" stops, "skip" leaves them out; both report them with line numbers.</summary>
    public BadRowPolicy OnBadRows { get; init; } = BadRowPolicy.Error;
    /// <summary>Train share when one file is split (QNLI, RTE: 0.8; tinyshakespeare, tinystories: 0.9 is usual).</summary>
    public double TrainFraction { get; init; } = 0.8;
    public ulong SplitSeed { get; init; } = 0;
    /// <summary>Use at most this many training examples (0 = all), the first ones in file order.</summary>
    public int MaxTrainExamples { get; init; } = 0;
    /// <summary>Evaluate on at most this many examples (0 = all), the first ones in file order.</summary>
    public int MaxEvalExamples { get; init; } = 0;
}
