namespace LoraLab.Experiments.Reproduce;

/// <summary>What <c>loralab reproduce</c> runs: the width and rank specs (configs/reproduce/, built into the tool;
/// paths override them), base-config overrides (<c>--set</c>), the first seed, and the optional grid-phase check and
/// sensitivity study. <see cref="Jobs"/> probes run at a time, one torch thread each.</summary>
public sealed record ReproduceOptions
{
    public required string OutDir { get; init; }
    public bool Quick { get; init; }
    public long? Seed { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = [];
    public string? WidthSpec { get; init; }
    public string? RankSpec { get; init; }
    /// <summary>False: no rank axis (summary.json's rank block is empty).</summary>
    public bool Rank { get; init; } = true;
    public bool PhaseCheck { get; init; } = true;
    public bool Sensitivity { get; init; }
    public int Jobs { get; init; } = Math.Max(1, Environment.ProcessorCount);
}
