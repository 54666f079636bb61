using LoraLab.IO.Config;

namespace LoraLab.Models.Gpt2;

/// <summary>Shape of a GPT-2 decoder; names are HF GPT2Config's. Defaults are GPT-2 small (124M).</summary>
public sealed record Gpt2Config : IValidatable
{
    /// <summary>Model width.</summary>
    public int NEmbd { get; init; } = 768;
    /// <summary>Number of blocks.</summary>
    public int NLayer { get; init; } = 12;
    /// <summary>Attention heads.</summary>
    public int NHead { get; init; } = 12;
    /// <summary>MLP inner width; null means 4 · n_embd.</summary>
    public int? NInner { get; init; }
    /// <summary>Vocabulary size.</summary>
    public int VocabSize { get; init; } = 50257;
    /// <summary>Learned positions, i.e. the longest context.</summary>
    public int NPositions { get; init; } = 1024;
    /// <summary>LayerNorm epsilon.</summary>
    public double LayerNormEpsilon { get; init; } = 1e-5;
    /// <summary>MLP nonlinearity.</summary>
    public Gpt2Activation ActivationFunction { get; init; } = Gpt2Activation.GeluNew;

    /// <summary>MLP inner width, resolved.</summary>
    public int Inner => NInner ?? 4 * NEmbd;

    public IEnumerable<string> Validate()
    {
        if (NEmbd < 1) yield return $"n_embd must be >= 1, got {NEmbd}";
        if (NLayer < 1) yield return $"n_layer must be >= 1, got {NLayer}";
        if (NHead < 1) yield return $"n_head must be >= 1, got {NHead}";
        if (NHead >= 1 && NEmbd % NHead != 0) yield return $"n_embd {NEmbd} must be divisible by n_head {NHead}";
        if (NInner is < 1) yield return $"n_inner must be >= 1 or null, got {NInner}";
        if (VocabSize < 1) yield return $"vocab_size must be >= 1, got {VocabSize}";
        if (NPositions < 1) yield return $"n_positions must be >= 1, got {NPositions}";
        if (LayerNormEpsilon <= 0) yield return $"layer_norm_epsilon must be > 0, got {LayerNormEpsilon}";
    }
}
