namespace LoraLab.Experiments.Sweeps;

/// <summary>How to run a sweep: parallel jobs, torch threads per job (null = cores / jobs), which shard, how many runs
/// to train per pass (<see cref="Pack"/>), and the command that starts child runs (needed when <see cref="Jobs"/> &gt;
/// 1).</summary>
public sealed record SweepRunOptions
{
    public int Jobs { get; init; } = 1;
    public int? Threads { get; init; }
    public ShardSpec Shard { get; init; } = ShardSpec.All;
    public ChildCommand? Child { get; init; }
    /// <summary>Up to this many runs that share a pack key train in one pass (<see cref="IPackableRunKind"/>); 1 =
    /// off.</summary>
    public int Pack { get; init; } = 1;
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>Threads per job so that jobs × threads ≤ cores (at least 1).</summary>
    public int ThreadsPerJob => Threads ?? Math.Max(1, Cores / Math.Max(1, Jobs));
}
