namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The stability edge of one grid point: the largest stable and the smallest unstable lattice value found
/// (<see cref="Stable"/>, <see cref="Unstable"/>, null beyond the search range) and the estimate, their geometric
/// mean. <see cref="Bracketed"/> is false when the range ends first (then the estimate is the bound that was found).
/// </summary>
internal sealed record EdgeResult(double Edge, double? Stable, double? Unstable, int StableIndex, int UnstableIndex,
                                  bool Bracketed)
{
    /// <summary>Unstable / stable: the resolution the edge was located to.</summary>
    public double? Resolution => Stable is { } s && Unstable is { } u ? u / s : null;
}
