namespace LoraLab.Experiments.Compare;

/// <summary>One learning rate of one side: the metric per seed of its ok runs, and how many runs diverged or
/// failed.</summary>
internal sealed record LrPoint(double Lr, IReadOnlyDictionary<string, double> BySeed, int Diverged, int Failed)
{
    public IReadOnlyList<double> Values =>
        BySeed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
    public double Mean => Statistics.Mean(Values);

    /// <summary>An LR competes for "best" only when no seed diverged there and at least one run is ok with a finite
    /// metric: a best LR that sometimes diverges is not a usable best. Failed (crashed) runs are ignored.</summary>
    public bool Eligible => Diverged == 0 && BySeed.Count > 0 && double.IsFinite(Mean);
}
