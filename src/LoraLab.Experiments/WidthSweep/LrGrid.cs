namespace LoraLab.Experiments.WidthSweep;

/// <summary>A log-spaced learning-rate grid: max, max/factor, …, max/factor^(count−1).</summary>
public sealed record LrGrid
{
    public double Max { get; init; } = 0.5;
    public double Factor { get; init; } = 2;
    public int Count { get; init; } = 14;

    /// <summary>The grid in ascending order.</summary>
    public double[] Values() => Enumerable.Range(0, Count).Select(i => Max / Math.Pow(Factor, Count - 1 - i)).ToArray();

    public IEnumerable<string> Validate(string name)
    {
        if (!(Max > 0) || double.IsInfinity(Max)) yield return $"{name}.max must be a finite number > 0, got {Max}";
        if (!(Factor > 1)) yield return $"{name}.factor must be > 1, got {Factor}";
        if (Count < 3) yield return $"{name}.count must be >= 3, got {Count}";
    }
}
