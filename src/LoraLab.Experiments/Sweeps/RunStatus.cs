namespace LoraLab.Experiments.Sweeps;

/// <summary>A run's status in result.json: ok and diverged are results; failed means it threw (and is redone on
/// the next <c>sweep run</c>).</summary>
public enum RunStatus
{
    Ok,
    Diverged,
    Failed,
}
