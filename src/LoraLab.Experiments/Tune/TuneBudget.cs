using LoraLab.IO;

namespace LoraLab.Experiments.Tune;

/// <summary>One rung of the ladder: its steps per trial and at most how many trials run there (the first rung's
/// edge extensions included).</summary>
internal sealed record Rung(int Index, int Steps, int Trials);

/// <summary>
/// The steps a tune plan costs, before it runs: lr-find (each ramp's planned steps), the rungs (trials × steps; the
/// later rungs counted at their largest possible size), the finalists' extra seeds and the baseline's seeds at the
/// full budget. <see cref="FullGridSteps"/> is the grid tune stands in for: every first-rung candidate with every
/// seed at the full budget.
/// </summary>
internal sealed record TunePlan(int FullSteps, int Arms, int Inits, int LrsPerArm, IReadOnlyList<Rung> Rungs,
    int Finalists, int Seeds, long LrFindSteps, long LadderSteps, long SeedSteps, long BaselineSteps, long Budget,
    string BudgetSource)
{
    public const string FileName = "budget.json";

    public long Total => LrFindSteps + LadderSteps + SeedSteps + BaselineSteps;
    /// <summary>The grid of the planned candidates (without edge extensions), every one with every seed.</summary>
    public long FullGridSteps => (long)Arms * LrsPerArm * Seeds * FullSteps;

    public string Describe() =>
        $"{Arms} arm(s) x {LrsPerArm} LRs; rungs {string.Join(" -> ", Rungs.Select(r => $"{r.Trials} x {r.Steps}"))} " +
        $"steps; {Finalists} finalist(s) x {Seeds} seeds and the baseline x {Seeds} at {FullSteps} steps; planned " +
        $"{Total} of {Budget} budget steps ({BudgetSource}); a full grid of the same candidates: {FullGridSteps}";
}

/// <summary>The ladder arithmetic: rung lengths, trial counts and costs, and the largest plan a budget
/// allows.</summary>
internal static class TuneBudget
{
    /// <summary>full/η^(K−1), …, full/η, full (rounded), with K lowered until the first rung has
    /// min_rung_steps.</summary>
    public static IReadOnlyList<int> RungSteps(int full, TuneSettings s)
    {
        var k = s.Rungs;
        while (k > 1 && Math.Round(full / Math.Pow(s.Eta, k - 1)) < s.MinRungSteps) k--;
        return Enumerable.Range(0, k).Select(i => (int)Math.Round(full / Math.Pow(s.Eta, k - 1 - i))).ToList();
    }

    /// <summary>Trials per rung: all candidates and their edge extensions, then ⌈n/η⌉ (+ one per other init when each
    /// init is kept).</summary>
    public static TunePlan For(int full, int arms, int inits, int lrs, TuneSettings s, long? budget, string source)
    {
        var steps = RungSteps(full, s);
        var rungs = new List<Rung>();
        var trials = arms * (lrs + s.EdgeExtensions);
        for (int i = 0; i < steps.Count; i++)
        {
            rungs.Add(new Rung(i, steps[i], trials));
            trials = Math.Min(trials, (trials + s.Eta - 1) / s.Eta + (s.KeepEachInit ? inits - 1 : 0));
        }
        var finalists = Math.Min(s.Finalists, rungs[^1].Trials);
        var ladder = rungs.Sum(r => (long)r.Trials * r.Steps);
        var plan = new TunePlan(full, arms, inits, lrs, rungs, finalists, s.Seeds, (long)inits * s.LrFind.Steps, ladder,
            (long)finalists * (s.Seeds - 1) * full, (long)s.Seeds * full, 0, source);
        return plan with { Budget = budget ?? plan.Total };
    }

    /// <summary>The plan for <paramref name="budget"/> steps: tune.lrs_per_arm LRs per arm, or the most (2..6) that
    /// fit; with no budget, lrs_per_arm (default 4) and its cost. Too small a budget is a usage error.</summary>
    public static TunePlan Choose(int full, int arms, int inits, TuneSettings s, long? budget, string source)
    {
        if (budget is null) return For(full, arms, inits, s.LrsPerArm ?? 4, s, null, source);
        var tries = s.LrsPerArm is { } fixedLrs ? [fixedLrs] : Enumerable.Range(2, 5).Reverse().ToList();
        foreach (var lrs in tries)
            if (For(full, arms, inits, lrs, s, budget, source) is { } plan && plan.Total <= budget) return plan;
        var smallest = For(full, arms, inits, tries[^1], s, budget, source);
        throw new LoraLabException(
            $"budget of {budget} steps is too small for one rung: the smallest plan ({arms} arm(s) x {tries[^1]} " +
            $"LRs) needs {smallest.Total} (lr-find {smallest.LrFindSteps}, rungs {smallest.LadderSteps}, extra seeds " +
            $"{smallest.SeedSteps}, baseline {smallest.BaselineSteps}); raise the budget or lower tune.seeds/rungs",
            ExitCodes.Usage);
    }
}
