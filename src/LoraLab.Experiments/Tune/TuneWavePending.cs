namespace LoraLab.Experiments.Tune;

/// <summary>
/// <c>tune plan</c> stops here instead of training: the next wave's runs, listed in <see cref="Directory"/>'s
/// plan.json (lr-find's or the trials' sweep folder), which the Slurm array runs with <c>sweep run-one</c>.
/// </summary>
public sealed class TuneWavePending(string what, string directory, IReadOnlyList<string> ids)
    : Exception($"{what}: {ids.Count} run(s) to do in {directory}")
{
    public string What { get; } = what;
    public string Directory { get; } = directory;
    public IReadOnlyList<string> Ids { get; } = ids;
}
