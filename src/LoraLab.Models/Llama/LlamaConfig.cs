using LoraLab.Core.Config;

namespace LoraLab.Models.Llama;

/// <summary>
/// Shape of a Llama-2 decoder. Defaults are Karpathy's stories260K (data/SOURCES.md §1a). Names follow llama2.c;
/// <see cref="HfLlama"/> maps them to the HF config.json keys.
/// </summary>
public sealed record LlamaConfig : IValidatable
{
    /// <summary>Model width (HF hidden_size).</summary>
    public int Dim { get; init; } = 64;
    /// <summary>SwiGLU inner width (HF intermediate_size).</summary>
    public int HiddenDim { get; init; } = 172;
    /// <summary>Number of decoder blocks (HF num_hidden_layers).</summary>
    public int NLayers { get; init; } = 5;
    /// <summary>Query heads (HF num_attention_heads).</summary>
    public int NHeads { get; init; } = 8;
    /// <summary>Key/value heads; fewer than <see cref="NHeads"/> is grouped-query attention (HF num_key_value_heads).</summary>
    public int NKvHeads { get; init; } = 4;
    /// <summary>Vocabulary size.</summary>
    public int VocabSize { get; init; } = 512;
    /// <summary>Longest context the model was trained on (HF max_position_embeddings).</summary>
    public int MaxSeqLen { get; init; } = 512;
    /// <summary>RMSNorm epsilon (HF rms_norm_eps).</summary>
    public double NormEps { get; init; } = 1e-5;
    /// <summary>RoPE base (HF rope_theta).</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>The output classifier shares the token-embedding matrix (HF tie_word_embeddings).</summary>
    public bool TieWordEmbeddings { get; init; } = true;
    /// <summary>Channel pairing of RoPE; HF checkpoints are half-split.</summary>
    public RopeLayout RopeLayout { get; init; } = RopeLayout.HalfSplit;

    /// <summary>Channels per head.</summary>
    public int HeadDim => Dim / NHeads;

    public IEnumerable<string> Validate()
    {
        if (Dim < 1) yield return $"dim must be >= 1, got {Dim}";
        if (HiddenDim < 1) yield return $"hidden_dim must be >= 1, got {HiddenDim}";
        if (NLayers < 1) yield return $"n_layers must be >= 1, got {NLayers}";
        if (NHeads < 1) yield return $"n_heads must be >= 1, got {NHeads}";
        if (NKvHeads < 1) yield return $"n_kv_heads must be >= 1, got {NKvHeads}";
        if (VocabSize < 1) yield return $"vocab_size must be >= 1, got {VocabSize}";
        if (MaxSeqLen < 1) yield return $"max_seq_len must be >= 1, got {MaxSeqLen}";
        if (NormEps <= 0) yield return $"norm_eps must be > 0, got {NormEps}";
        if (RopeTheta <= 0) yield return $"rope_theta must be > 0, got {RopeTheta}";
        if (NHeads >= 1 && Dim % NHeads != 0) yield return $"dim {Dim} must be divisible by n_heads {NHeads}";
        if (NHeads >= 1 && Dim % NHeads == 0 && HeadDim % 2 != 0) yield return $"head dim {HeadDim} must be even for RoPE";
        if (NKvHeads >= 1 && NHeads % NKvHeads != 0)
            yield return $"n_heads {NHeads} must be divisible by n_kv_heads {NKvHeads}";
    }
}
