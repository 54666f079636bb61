namespace LoraLab.Experiments.Sweeps;

/// <summary>What a run may know about where it runs: its id, its folder, its torch thread budget and
/// cancellation.</summary>
public sealed record RunContext(string RunId, string RunDirectory, int Threads, CancellationToken CancellationToken);
