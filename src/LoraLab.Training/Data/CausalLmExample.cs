namespace LoraLab.Training.Data;

/// <summary>
/// One causal-LM training sequence: input ids and, per position, the id to predict there or
/// <see cref="IgnoreIndex"/> where no loss is taken (a prompt, padding) — HF's labels convention, already shifted.
/// </summary>
internal sealed record CausalLmExample(int[] InputIds, int[] Targets)
{
    /// <summary>Target value that contributes no loss (PyTorch cross_entropy's default ignore_index).</summary>
    public const int IgnoreIndex = -100;

    public int Length => InputIds.Length;

    /// <summary>Positions that carry a loss.</summary>
    public int LossTokens => Targets.Count(t => t != IgnoreIndex);
}
