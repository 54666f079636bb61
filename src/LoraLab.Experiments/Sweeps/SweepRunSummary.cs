using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>What one <c>sweep run</c> invocation did: runs in its shard, skipped (already finished), executed,
/// failed.</summary>
public sealed record SweepRunSummary(int InShard, int Skipped, int Executed, int Failed, int Diverged)
{
    public int ExitCode => Failed > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
}
