namespace LoraLab.Experiments.Sweeps;

/// <summary>What reading one run's result.json found: nothing, a result, or a corrupt file (with the reason).</summary>
public sealed record ResultRead(PlannedRun Run, RunResult? Result, string? Corruption)
{
    public bool Missing => Result is null && Corruption is null;

    /// <summary>True when the run needs no more work: ok or diverged (failed and corrupt runs are redone).</summary>
    public bool Finished => Result is { Status: RunStatus.Ok or RunStatus.Diverged };
}
