namespace LoraLab.Experiments.Eval;

/// <summary>One side of the comparison: which adapter (or the base model) and its metrics on the eval set.</summary>
internal sealed record EvalSide(string Name, string? AdapterPath, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Exact McNemar test on the examples exactly one side classifies correctly.</summary>
internal sealed record McNemarResult(int CandidateOnlyCorrect, int BaselineOnlyCorrect, double P);

/// <summary>Paired t-test of the per-example loss (candidate − baseline; negative = candidate better).</summary>
internal sealed record PairedTResult(double MeanDifference, double T, int Df, double P);

/// <summary>DIR/eval.json: both sides, the paired difference of the primary metric (candidate − baseline) with its
/// bootstrap interval, standard error and minimal detectable effect, the paired tests, and the verdict with its
/// rule.</summary>
internal sealed record EvalReport
{
    public string Task { get; init; } = "";
    public string Data { get; init; } = "";
    public int Examples { get; init; }
    public string PrimaryMetric { get; init; } = "";
    public bool HigherIsBetter { get; init; }
    public EvalSide Candidate { get; init; } = new("", null, new Dictionary<string, double>());
    public EvalSide Baseline { get; init; } = new("", null, new Dictionary<string, double>());
    public BootstrapDifference Difference { get; init; } = new(0, 0, 0, 0, 0);
    /// <summary>Bootstrap of the difference in mean per-example loss (token-weighted for language modelling).</summary>
    public BootstrapDifference LossDifference { get; init; } = new(0, 0, 0, 0, 0);
    [System.Text.Json.Serialization.JsonPropertyName("mcnemar")] public McNemarResult? McNemar { get; init; }
    public PairedTResult PairedT { get; init; } = new(0, 0, 0, 1);
    public EvalVerdict Verdict { get; init; }
    public string Rule { get; init; } = "";
    public int BootstrapSeed { get; init; }
}
