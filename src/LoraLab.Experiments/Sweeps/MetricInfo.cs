using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>A metric's name and direction. Losses and perplexities improve downwards, accuracies upwards; a metric
/// whose direction cannot be told from its name must be declared by its run kind.</summary>
public sealed record MetricInfo(string Name, MetricDirection Direction)
{
    public bool IsBetter(double a, double b) => Direction == MetricDirection.Lower ? a < b : a > b;

    /// <summary>The direction implied by a metric's name, or null when the name says nothing.</summary>
    public static MetricDirection? Infer(string name)
    {
        var n = name.ToLowerInvariant();
        if (n.EndsWith("loss") || n.Contains("perplexity") || n.EndsWith("error") || n.EndsWith("ppl"))
            return MetricDirection.Lower;
        if (n.Contains("accuracy") || n.EndsWith("acc") || n.EndsWith("f1") || n.Contains("matthews"))
            return MetricDirection.Higher;
        return null;
    }

    /// <summary>The metric named <paramref name="name"/> among <paramref name="known"/>, or by its name's
    /// direction.</summary>
    public static MetricInfo Find(string name, IEnumerable<MetricInfo> known)
    {
        var list = known.ToList();
        var hit = list.FirstOrDefault(m => m.Name == name);
        if (hit is not null) return hit;
        if (Infer(name) is { } direction) return new MetricInfo(name, direction);
        throw new LoraLabException(
            $"unknown metric '{name}' (known: {string.Join(", ", list.Select(m => m.Name))})", ExitCodes.Usage);
    }
}
