namespace LoraLab.Training.Recipes;

/// <summary>One eval example's score: gold label and prediction (classification; −1 for language modelling), the
/// summed negative log-likelihood over its <see cref="Tokens"/> loss positions (1 for classification).</summary>
public sealed record ExampleScore(int Label, int Predicted, double Nll, int Tokens)
{
    /// <summary>Mean NLL per loss position (the example's cross-entropy).</summary>
    public double Loss => Nll / Tokens;
}

/// <summary>A task that scores its eval examples one by one, in eval-set order (<c>loralab eval</c>'s paired
/// tests).</summary>
public interface IScoresExamples
{
    IReadOnlyList<ExampleScore> ScoreEvalExamples(int batchSize);
}
