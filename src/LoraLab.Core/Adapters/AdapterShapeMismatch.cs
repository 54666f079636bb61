namespace LoraLab.Core.Adapters;

/// <summary>A tensor present on both sides with different shapes.</summary>
internal sealed record AdapterShapeMismatch(string Name, long[] Expected, long[] Found)
{
    public override string ToString() =>
        $"{Name}: expected [{string.Join(",", Expected)}], found [{string.Join(",", Found)}]";
}
