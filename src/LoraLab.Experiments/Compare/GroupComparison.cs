namespace LoraLab.Experiments.Compare;

/// <summary>Baseline vs candidate within one group (a task, or any other axis that is neither the side, the LR nor
/// the seed): both sides, the paired difference candidate − baseline by seed with its bootstrap interval, and the verdict.</summary>
public sealed record GroupComparison(
    string Group,
    SideSummary Baseline,
    SideSummary Candidate,
    Interval? PairedDifference,
    Interval? PairedDifferenceT,
    string Verdict,
    string VerdictLine);
