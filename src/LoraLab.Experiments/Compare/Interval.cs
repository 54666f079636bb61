namespace LoraLab.Experiments.Compare;

/// <summary>An estimate with a 95% interval over <see cref="N"/> values (seeds or seed pairs).</summary>
internal sealed record Interval(double Estimate, double Low, double High, int N)
{
    public bool ExcludesZero => Low > 0 || High < 0;
}
