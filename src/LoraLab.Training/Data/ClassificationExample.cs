namespace LoraLab.Training.Data;

/// <summary>One labelled example: a sentence or a sentence pair, its class index and the 1-based line it came
/// from.</summary>
internal sealed record ClassificationExample(string Text, string? Pair, int Label, int Line);
