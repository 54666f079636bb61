namespace LoraLab.Experiments.Tune;

/// <summary>A suggested learning rate and the point of the smoothed curve it was read at.</summary>
internal sealed record LrSuggestion(string Rule, double Lr, double AtLr, double AtLoss);

/// <summary>
/// The LR range test's arithmetic on one ramp (lrs[i], losses[i] per step): the bias-corrected EMA of the loss, and
/// fastai's three suggestions (fastai/callback/schedule.py, <c>steep</c>, <c>valley</c>, <c>minimum</c>), read on the
/// smoothed curve with its first tenth of the planned steps and its last 5 points left off, as fastai's
/// <c>lr_find</c> does (the start is warm-up noise, the end is the blow-up).
/// </summary>
internal static class LrSuggestions
{
    public const string Steepest = "steepest";
    public const string Valley = "valley";
    public const string MinimumOverTen = "minimum/10";

    /// <summary>Points dropped at the end (fastai's <c>[:-5]</c>).</summary>
    public const int SkipEnd = 5;

    /// <summary>avg ← β·avg + (1 − β)·loss; smoothed[t] = avg / (1 − β^(t+1)) (fastai AvgSmoothLoss,
    /// Lightning).</summary>
    public static double[] Smooth(IReadOnlyList<double> losses, double beta)
    {
        var smoothed = new double[losses.Count];
        double avg = 0;
        for (int t = 0; t < losses.Count; t++)
        {
            avg = beta * avg + (1 - beta) * losses[t];
            smoothed[t] = avg / (1 - Math.Pow(beta, t + 1));
        }
        return smoothed;
    }

    /// <summary>The three suggestions, or none when fewer than 3 points remain after trimming (the loss rose from
    /// the start: lower the ramp's min_lr).</summary>
    public static IReadOnlyList<LrSuggestion> Suggest(IReadOnlyList<double> lrs, IReadOnlyList<double> smoothed,
        int plannedSteps)
    {
        int begin = plannedSteps / 10, end = smoothed.Count - SkipEnd;
        if (end - begin < 3) return [];
        var l = lrs.Skip(begin).Take(end - begin).ToArray();
        var s = smoothed.Skip(begin).Take(end - begin).ToArray();
        return [SteepestOf(l, s), ValleyOf(l, s), MinimumOf(l, s)];
    }

    /// <summary>fastai <c>steep</c>: the point where d loss / d log lr is most negative (forward differences; the
    /// lr at the left end of the steepest segment).</summary>
    public static LrSuggestion SteepestOf(IReadOnlyList<double> lrs, IReadOnlyList<double> losses)
    {
        int best = 0;
        double bestGrad = double.PositiveInfinity;
        for (int i = 0; i + 1 < losses.Count; i++)
        {
            var grad = (losses[i + 1] - losses[i]) / (Math.Log(lrs[i + 1]) - Math.Log(lrs[i]));
            if (grad < bestGrad) (best, bestGrad) = (i, grad);
        }
        return new LrSuggestion(Steepest, lrs[best], lrs[best], losses[best]);
    }

    /// <summary>fastai <c>valley</c>: the longest decreasing run of points (longest decreasing subsequence, O(n²)),
    /// then the point about 2/3 along it: max_start + ⌊len/3⌋ + ⌊len/6⌋, with fastai's max_start = max_end −
    /// lds[max_end] (one before the run's first point) kept as it is.</summary>
    public static LrSuggestion ValleyOf(IReadOnlyList<double> lrs, IReadOnlyList<double> losses)
    {
        int n = losses.Count, maxStart = 0, maxEnd = 0;
        var lds = Enumerable.Repeat(1, n).ToArray();
        for (int i = 1; i < n; i++)
            for (int j = 0; j < i; j++)
            {
                if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
                if (lds[maxEnd] < lds[i]) (maxEnd, maxStart) = (i, i - lds[i]);
            }
        double sections = (maxEnd - maxStart) / 3.0;
        int idx = Math.Clamp(maxStart + (int)sections + (int)(sections / 2), 0, n - 1);
        return new LrSuggestion(Valley, lrs[idx], lrs[idx], losses[idx]);
    }

    /// <summary>fastai <c>minimum</c>: a tenth of the lr at the lowest smoothed loss.</summary>
    public static LrSuggestion MinimumOf(IReadOnlyList<double> lrs, IReadOnlyList<double> losses)
    {
        int best = 0;
        for (int i = 1; i < losses.Count; i++) if (losses[i] < losses[best]) best = i;
        return new LrSuggestion(MinimumOverTen, lrs[best] / 10, lrs[best], losses[best]);
    }
}
