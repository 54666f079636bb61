namespace LoraLab.Experiments.Eval;

/// <summary>What <c>loralab eval</c> advises for the adapter in service (the baseline) and the candidate.</summary>
internal enum EvalVerdict
{
    /// <summary>The candidate is better: its interval excludes no difference and the paired test agrees
    /// (p &lt; 0.05).</summary>
    Switch,
    /// <summary>The candidate is worse, by the same two criteria.</summary>
    Keep,
    /// <summary>Neither: the difference is smaller than this test set can resolve (see the minimal detectable
    /// effect).</summary>
    Inconclusive,
}
