namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// Chooses η* on final TRAIN loss (docs/protocol-width-sweep.md §4): an LR is eligible only if no seed diverged at it;
/// its score is the mean over seeds of log(final/initial train loss); η* = argmin over eligible LRs, refined by a
/// parabola through the argmin and its two grid neighbours when both are eligible. The max stable LR is the largest
/// eligible LR. Seeds may repeat (bootstrap resamples) and then weigh by multiplicity.
/// </summary>
public static class LrSelector
{
    public static LrSelection Select(IReadOnlyList<LrOutcome> outcomes, IReadOnlyList<long> seeds, double barelyLearnsRatio)
    {
        var lrs = outcomes.Select(o => o.Lr).Distinct().Order().ToArray();
        var score = new double?[lrs.Length];
        var test = new double[lrs.Length];
        for (int i = 0; i < lrs.Length; i++)
        {
            var runs = seeds.Select(s => outcomes.FirstOrDefault(o => o.Lr == lrs[i] && o.Seed == s)).ToList();
            if (runs.Any(r => r is null || r.Diverged || !(r.RelTrain > 0))) continue;
            score[i] = runs.Average(r => Math.Log(r!.RelTrain));
            test[i] = Math.Exp(runs.Average(r => Math.Log(Math.Max(r!.RelTest, 1e-300))));
        }
        int top = lrs.Length - 1;
        int? maxStable = Enumerable.Range(0, lrs.Length).Where(i => score[i] is not null).Select(i => (int?)i).LastOrDefault();
        var eligible = Enumerable.Range(0, lrs.Length).Where(i => score[i] is not null).ToList();
        if (eligible.Count == 0)
            return new LrSelection(null, null, null, false, false, true, null, null, true, false);
        int best = eligible.MinBy(i => score[i]!.Value);
        var bestRel = Math.Exp(score[best]!.Value);
        return new LrSelection(
            Refine(lrs, score, best), lrs[best], lrs[maxStable!.Value],
            Bracketed: best > 0 && best < top, MaxStableBracketed: maxStable < top,
            BarelyLearns: bestRel > barelyLearnsRatio, bestRel, test[best],
            AtGridBottom: best == 0, AtGridTop: best == top || maxStable == top);
    }

    /// <summary>Vertex of the parabola through (log lr, score) at best−1, best, best+1, clipped to the neighbours.</summary>
    static double Refine(double[] lrs, double?[] score, int best)
    {
        if (best == 0 || best == lrs.Length - 1 || score[best - 1] is null || score[best + 1] is null) return lrs[best];
        double x0 = Math.Log(lrs[best - 1]), x1 = Math.Log(lrs[best]), x2 = Math.Log(lrs[best + 1]);
        double y0 = score[best - 1]!.Value, y1 = score[best]!.Value, y2 = score[best + 1]!.Value;
        double curvature = ((y2 - y1) / (x2 - x1) - (y1 - y0) / (x1 - x0)) / (x2 - x0);
        if (!(curvature > 0)) return lrs[best];
        return Math.Exp(Math.Clamp(Vertex(x0, x1, x2, y0, y1, y2), x0, x2));
    }

    static double Vertex(double x0, double x1, double x2, double y0, double y1, double y2)
    {
        double denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
        double a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
        double b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
        return -b / (2 * a);
    }
}
