using LoraLab.IO;
using LoraLab.Training.Data;

namespace LoraLab.Training.Recipes;

/// <summary>
/// data.heldout_fraction: a slice of the training examples withheld from training and scored at every evaluation as
/// <c>heldout_&lt;metric&gt;</c> beside the eval set's metrics, so that an LR can be chosen on training data and
/// reported on the test/dev set. The rule does not depend on the run's seed: token blocks of a text corpus give
/// their last round(n·f) blocks (one contiguous stretch, like the corpus's own train/eval cut), record files
/// (GLUE, user data) the eval part of <see cref="SeededSplit"/> with data.split_seed.
/// </summary>
internal static class HeldOutSlice
{
    /// <summary>(train, held out) from <paramref name="train"/>; nothing is held out when the fraction is 0.</summary>
    public static (List<T> Train, List<T> HeldOut) Split<T>(List<T> train, DataSpec data, bool contiguous)
    {
        var f = data.HeldoutFraction;
        if (f == 0) return (train, []);
        var n = train.Count;
        var held = (int)Math.Round(n * f);
        if (held < 1 || held >= n)
            throw new LoraLabException($"data.heldout_fraction {f} of {n} training examples leaves " +
                                       (held < 1 ? "no held-out example" : "no training example"), ExitCodes.Usage);
        if (contiguous) return (train[..(n - held)], train[(n - held)..]);
        var (keep, withheld) = SeededSplit.Indices(n, 1 - f, data.SplitSeed);
        return (keep.Select(i => train[i]).ToList(), withheld.Select(i => train[i]).ToList());
    }

    /// <summary>The training report with its new example count, and one for the held-out slice.</summary>
    public static List<DatasetLoadReport> Reports(List<DatasetLoadReport> reports, int train, int heldOut,
                                                  DataSpec data, bool contiguous)
    {
        if (heldOut == 0) return reports;
        var trainReport = reports.First(r => r.Role == "train");
        var rule = contiguous
            ? $"last {data.HeldoutFraction:P1} of the training blocks"
            : $"seeded split of the training examples, {data.HeldoutFraction:P1}, split_seed {data.SplitSeed}";
        return reports.Select(r => ReferenceEquals(r, trainReport)
                ? r with { Examples = train, Note = $"{r.Note}; {heldOut:N0} held out" } : r)
            .Append(trainReport with { Role = "heldout", Examples = heldOut, Note = $"held out: {rule}" })
            .ToList();
    }
}
