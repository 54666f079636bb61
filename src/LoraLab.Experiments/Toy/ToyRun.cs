using LoraLab.IO;

namespace LoraLab.Experiments.Toy;

/// <summary>One toy teacher–student LoRA run (the single-run API of the width sweep): the batched trainer with K = 1.
/// Deterministic given the config.</summary>
public static class ToyRun
{
    public static ToyRunResult Execute(ToyRunConfig config, CancellationToken cancellationToken = default)
    {
        return ExecuteMany([config], cancellationToken)[0];
    }

    /// <summary>K runs that differ only in init and learning rates, trained as one batch on one shared problem
    /// (each result equals its separate run's to float tolerance).</summary>
    public static IReadOnlyList<ToyRunResult> ExecuteMany(IReadOnlyList<ToyRunConfig> configs, CancellationToken cancellationToken = default)
    {
        var problems = configs.SelectMany(c => c.Validate()).Distinct().ToList();
        if (problems.Count > 0)
            throw new LoraLabException($"toy run: invalid config: {string.Join("; ", problems)}", ExitCodes.Usage);
        return ToyProblemCache.With(configs[0].ProblemSpec, problem => BatchedToyTrainer.Train(problem, configs, null, cancellationToken));
    }
}
