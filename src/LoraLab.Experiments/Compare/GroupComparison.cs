namespace LoraLab.Experiments.Compare;

/// <summary>Baseline vs candidate within one group (a task, or any other axis that is neither the side, the LR nor
/// the seed): both sides, the paired difference candidate − baseline by seed, and the verdict.
/// <see cref="PairedDifference"/> is the interval the verdict reads: the paired t-interval below
/// <see cref="SweepComparison.MinBootstrapPairs"/> pairs, the percentile bootstrap from there on
/// (<see cref="PairedDifferenceBootstrap"/>, null below that many pairs); the exact sign and sign-flip permutation
/// tests are reported beside them for the few-seed case.</summary>
internal sealed record GroupComparison(
    string Group,
    SideSummary Baseline,
    SideSummary Candidate,
    Interval? PairedDifference,
    Interval? PairedDifferenceT,
    Interval? PairedDifferenceBootstrap,
    double? SignTestP,
    double? PermutationP,
    string Verdict,
    string VerdictLine);
