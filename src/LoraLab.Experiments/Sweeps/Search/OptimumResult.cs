namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// η* of one grid point: the vertex of the quadratic fitted to (log value, log metric) over the stable points among
/// the 5 around the coarse minimum (<see cref="FitPoints"/>), and the best probed value. <see cref="Flag"/> says why
/// the estimate is not an interior vertex (e.g. "at the stability edge"), null when it is.
/// </summary>
internal sealed record OptimumResult(double Optimum, double BestProbe, double BestMetric, int FitPoints, string? Flag)
{
    public bool Interior => Flag is null;
}
