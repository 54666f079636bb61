using LoraLab.Core;
using LoraLab.Models.TeacherStudent;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>One toy teacher–student LoRA run (the single-run API of the width sweep): the batched trainer with K = 1.
/// Deterministic given the config.</summary>
public static class ToyRun
{
    public static ToyRunResult Execute(ToyRunConfig config, CancellationToken cancellationToken = default)
    {
        var problems = config.Validate().ToList();
        if (problems.Count > 0)
            throw new LoraLabException($"toy run: invalid config: {string.Join("; ", problems)}", ExitCodes.Usage);
        using var problem = new TeacherStudentProblem(config.ProblemSpec);
        return BatchedToyTrainer.Train(problem, [config], null, cancellationToken)[0];
    }
}
