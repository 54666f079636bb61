using LoraLab.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// A model with its data and objective, as the training loop of <see cref="FinetuneRecipe"/> sees it: the loop owns
/// LoRA injection, the optimizer, the schedule, clipping, guards and logging; the task builds batches, computes the
/// loss and evaluates. Implemented by <see cref="ClassificationTask"/> and <see cref="CausalLmTask"/> (and by small
/// models in tests).
/// </summary>
public interface IFinetuneTask : IDisposable
{
    /// <summary>The model LoRA is injected into (before the first <see cref="Loss"/>).</summary>
    nn.Module Model { get; }

    /// <summary>Parameters trained in full besides LoRA (a classification head; PEFT modules_to_save), with their
    /// names in <see cref="Model"/> (e.g. <c>classifier.weight</c>).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> HeadParameters { get; }

    int TrainExamples { get; }

    /// <summary>What was read, for the log and result.json.</summary>
    IReadOnlyList<DatasetLoadReport> DataReports { get; }

    /// <summary>The metric that decides the run (a key of <see cref="Evaluate"/>'s result).</summary>
    string PrimaryMetric { get; }

    /// <summary>Whether a higher <see cref="PrimaryMetric"/> is better.</summary>
    bool HigherIsBetter { get; }

    /// <summary>Mean training loss (a scalar with grad) on the training examples at <paramref
    /// name="indices"/>.</summary>
    Tensor Loss(IReadOnlyList<int> indices);

    /// <summary>Metrics on the eval set (no grad, eval mode), over at most <paramref name="maxBatches"/> batches (0 =
    /// all).</summary>
    IReadOnlyDictionary<string, double> Evaluate(int batchSize, int maxBatches);
}
