using LoraLab.IO;

namespace LoraLab.Experiments.Toy;

/// <summary>One toy teacher–student LoRA run (the single-run API of the width sweep): the batched trainer with K = 1.
/// Deterministic given the config.</summary>
internal static class ToyRun
{
    public static ToyRunResult Execute(ToyRunConfig config, CancellationToken cancellationToken = default)
    {
        return ExecuteMany([config], cancellationToken)[0];
    }

    /// <summary>K runs of one shape that differ only in seed, init and learning rates, trained as one batch (the runs
    /// of a seed share its problem); each result equals its separate run's, bit for bit.</summary>
    public static IReadOnlyList<ToyRunResult> ExecuteMany(IReadOnlyList<ToyRunConfig> configs,
        CancellationToken cancellationToken = default)
    {
        var problems = configs.SelectMany(c => c.Validate()).Distinct().ToList();
        if (problems.Count > 0)
            throw new LoraLabException($"toy run: invalid config: {string.Join("; ", problems)}", ExitCodes.Usage);
        var specs = configs.Select(c => c.ProblemSpec).Distinct().ToList();
        return ToyProblemCache.With(specs, leased =>
            BatchedToyTrainer.Train(spec => leased[spec], configs, null, cancellationToken));
    }
}
