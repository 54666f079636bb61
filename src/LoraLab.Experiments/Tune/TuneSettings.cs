using LoraLab.IO.Config;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// The <c>tune</c> block of a tune spec (defaults here): successive halving (Jamieson &amp; Talwalkar 2016; Optuna's
/// <c>SuccessiveHalvingPruner</c>) with reduction factor <see cref="Eta"/> over <see cref="Rungs"/> rungs whose
/// steps grow by η up to the config's own steps, then the best <see cref="Finalists"/> rerun with
/// <see cref="Seeds"/> seeds at the full budget, and the baseline (init <see cref="BaselineInit"/> at the config's
/// own LR) with the same seeds.
/// </summary>
public sealed record TuneSettings : IValidatable
{
    public int Eta { get; init; } = 3;
    /// <summary>Rungs, the last at the config's steps; fewer when the first would have under
    /// <see cref="MinRungSteps"/> steps.</summary>
    public int Rungs { get; init; } = 3;
    public int MinRungSteps { get; init; } = 10;
    /// <summary>Seeds of each finalist and of the baseline (the config's seed, +1, +2, ...).</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>How many of the last rung's best get the extra seeds.</summary>
    public int Finalists { get; init; } = 2;
    /// <summary>LR candidates per arm (init × spec axes); null: as many (2..6) as the budget allows.</summary>
    public int? LrsPerArm { get; init; }
    /// <summary>In the first rung, while an arm's best trial is its highest (lowest) LR, try the next lattice LR above
    /// (below), at most this many times per arm: lr-find only seeds the window, the ladder checks its edges.</summary>
    public int EdgeExtensions { get; init; } = 2;
    /// <summary>Keep the best trial of every init up to the last rung, so the inits meet at the full budget.</summary>
    public bool KeepEachInit { get; init; } = true;
    /// <summary>Trials end when an instability monitor fires (monitors.action = stop), and count as pruned.</summary>
    public bool Prune { get; init; } = true;
    /// <summary>The metric trials are ranked by; null: for finetune the config's select_by on the held-out slice of the
    /// training data (heldout_accuracy, heldout_perplexity, ...), so no choice looks at the eval set; else the kind's
    /// first metric.</summary>
    public string? Metric { get; init; }
    /// <summary>The metric the verdict reports (recommended vs baseline); null: for finetune select_by on the eval
    /// set, else <see cref="Metric"/>.</summary>
    public string? ReportMetric { get; init; }
    /// <summary>finetune: data.heldout_fraction of every trial when the config holds nothing out.</summary>
    public double HeldoutFraction { get; init; } = 0.1;
    public string BaselineInit { get; init; } = "a";
    public LrFindSettings LrFind { get; init; } = new();

    public IEnumerable<string> Validate()
    {
        if (Eta < 2) yield return $"tune.eta must be >= 2, got {Eta}";
        if (Rungs < 1) yield return $"tune.rungs must be >= 1, got {Rungs}";
        if (MinRungSteps < 1) yield return $"tune.min_rung_steps must be >= 1, got {MinRungSteps}";
        if (Seeds < 2) yield return $"tune.seeds must be >= 2 (a paired interval needs 2; 3 recommended), got {Seeds}";
        if (Finalists < 1) yield return $"tune.finalists must be >= 1, got {Finalists}";
        if (EdgeExtensions < 0) yield return $"tune.edge_extensions must be >= 0, got {EdgeExtensions}";
        if (LrsPerArm is < 1 or > 12) yield return $"tune.lrs_per_arm must be in 1..12, got {LrsPerArm}";
        if (!(HeldoutFraction is > 0 and < 1))
            yield return $"tune.heldout_fraction must be in (0, 1), got {HeldoutFraction}";
        foreach (var e in LrFind.Validate()) yield return "tune." + e;
    }
}
