using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>One run in one role: a rung trial, a finalist's seed, or a baseline seed (a run can hold two roles and
/// then has two rows with one id). <see cref="PrunedBy"/>: why a trial ended early (a monitor, a non-finite
/// loss).</summary>
internal sealed record TrialRow(string Stage, int Rung, string Id, string Arm, string Init, double Lr,
    IReadOnlyDictionary<string, string> Axes, int Steps, int Seed, string Status, double? Metric, double? Report,
    int? StepsCompleted, bool Promoted, string? PrunedBy);

/// <summary>A configuration measured over seeds at the full budget: the report metric per seed and its mean with
/// the Student-t 95 % interval, and the same for the selection metric.</summary>
internal sealed record SeededConfig(string Arm, string Init, double Lr, IReadOnlyDictionary<string, string> Axes,
    IReadOnlyList<double> BySeed, Interval? Mean, IReadOnlyList<double> SelectionBySeed, Interval? SelectionMean,
    int Diverged, string FirstSeedRunId);

/// <summary>DIR/tune.json: the plan, lr-find, every trial, the finalists and the baseline over seeds, the choice,
/// the comparison of the choice against the baseline, and the compute used.</summary>
internal sealed record TuneResult
{
    public const string FileName = "tune.json";

    public string Name { get; init; } = "";
    /// <summary>What trials are ranked by (for finetune on the held-out slice of the training data).</summary>
    public string Metric { get; init; } = "";
    public MetricDirection Direction { get; init; }
    /// <summary>What the verdict reports (for finetune the eval set's metric).</summary>
    public string ReportMetric { get; init; } = "";
    public TunePlan Plan { get; init; } = null!;
    public LrFindResult LrFind { get; init; } = null!;
    public IReadOnlyList<TrialRow> Trials { get; init; } = [];
    public IReadOnlyList<SeededConfig> Finalists { get; init; } = [];
    public SeededConfig Baseline { get; init; } = null!;
    public SeededConfig Recommended { get; init; } = null!;
    /// <summary>True when no finalist beat the baseline's mean, so the baseline is what tune recommends.</summary>
    public bool RecommendedIsBaseline { get; init; }
    public GroupComparison? Comparison { get; init; }
    public string Verdict { get; init; } = "";
    /// <summary>Training steps run: lr-find's ramps, then every distinct trial (as many as each completed).</summary>
    public long LrFindStepsUsed { get; init; }
    public long TrialStepsUsed { get; init; }
    public long StepsUsed => LrFindStepsUsed + TrialStepsUsed;
    public long FullGridSteps => Plan.FullGridSteps;
}
