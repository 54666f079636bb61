namespace LoraLab.Training.Data;

/// <summary>
/// A documented, reproducible train/eval split of one file (for QNLI and RTE, whose train sets are not in data/):
/// indices 0..n−1 are shuffled by Fisher–Yates driven by SplitMix64(seed) (Steele et al. 2014; no
/// <see cref="Random"/>, whose sequence is not specified across .NET versions), the first round(n·train_fraction)
/// go to train, the rest to eval, and each part is put back in file order.
/// </summary>
internal static class SeededSplit
{
    public static (int[] Train, int[] Eval) Indices(int count, double trainFraction, ulong seed)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "a split needs at least 2 examples");
        if (!(trainFraction is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(trainFraction));
        var order = Permutation(count, seed);
        var nTrain = Math.Clamp((int)Math.Round(count * trainFraction), 1, count - 1);
        var train = order[..nTrain];
        var eval = order[nTrain..];
        Array.Sort(train);
        Array.Sort(eval);
        return (train, eval);
    }

    /// <summary>A permutation of 0..n−1, the same for the same (n, seed) on every machine.</summary>
    public static int[] Permutation(int count, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var rng = new SplitMix64(seed);
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)rng.NextBelow((ulong)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    public static string Describe(string file, double trainFraction, ulong seed, bool trainPart) =>
        $"seeded split of {Path.GetFileName(file)}: {trainFraction:P0} train / {1 - trainFraction:P0} eval, seed " +
        $"{seed}, {(trainPart ? "train" : "eval")} part";
}
