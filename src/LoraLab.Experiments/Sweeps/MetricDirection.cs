namespace LoraLab.Experiments.Sweeps;

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection
{
    Lower,
    Higher,
}
