using LoraLab.Training.Data;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Which training examples each step sees: every epoch is a fresh permutation (SplitMix64, seeded from the config
/// seed and the epoch) cut into full batches; the last partial batch of an epoch is dropped (drop_last), so every
/// step has the same batch size. Steps and epochs relate through <see cref="StepsPerEpoch"/>.
/// </summary>
internal sealed class BatchOrder(int examples, int batchSize, ulong seed)
{
    readonly Dictionary<int, int[]> _permutations = [];

    /// <summary>Batch size actually used: the configured one, or the whole set when it is smaller.</summary>
    public int BatchSize { get; } = Math.Min(batchSize, examples);

    public int StepsPerEpoch => examples / BatchSize;

    /// <summary>Training steps for <paramref name="steps"/> (if > 0) or <paramref name="epochs"/> passes.</summary>
    public int TotalSteps(int steps, double epochs) => steps > 0 ? steps : (int)Math.Ceiling(epochs * StepsPerEpoch);

    /// <summary>Example indices of 0-based <paramref name="step"/>.</summary>
    public int[] Batch(int step)
    {
        var epoch = step / StepsPerEpoch;
        var k = step % StepsPerEpoch;
        if (!_permutations.TryGetValue(epoch, out var order))
        {
            _permutations.Clear();                                    // only the current epoch is kept
            order = SeededSplit.Permutation(examples, seed * 0x9E3779B97F4A7C15UL + (ulong)epoch);
            _permutations[epoch] = order;
        }
        return order[(k * BatchSize)..((k + 1) * BatchSize)];
    }

    /// <summary>Fractional epoch reached after <paramref name="stepsDone"/> steps.</summary>
    public double Epoch(int stepsDone) => (double)stepsDone / StepsPerEpoch;
}
