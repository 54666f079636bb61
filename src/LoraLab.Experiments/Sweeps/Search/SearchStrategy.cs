namespace LoraLab.Experiments.Sweeps;

/// <summary>How a sweep searches its <see cref="SearchSpec.Key"/> (docs/sweeps.md, "Searching a learning rate").
/// A plain grid axis is the third way (<c>grid</c>): no search block, the key is an axis.</summary>
public enum SearchStrategy
{
    /// <summary>The stability edge per grid point: bracket at the bracket factor, then bisect on log LR.</summary>
    Edge,

    /// <summary>η* per grid point: a coarse walk to the minimum of the metric, refined to 5 points and fitted by a
    /// quadratic in (log LR, log metric).</summary>
    Optimum,
}
