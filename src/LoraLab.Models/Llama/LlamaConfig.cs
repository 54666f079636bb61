using LoraLab.IO.Config;

namespace LoraLab.Models.Llama;

/// <summary>
/// Shape of a Llama-family decoder: Llama 2/3, and Mistral and Qwen2, which are Llama with switches (a sliding
/// attention window; q/k/v biases). Defaults are Karpathy's stories260K (data/SOURCES.md §1a). Names follow llama2.c;
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
    /// <summary>Key/value heads; fewer than <see cref="NHeads"/> is grouped-query attention (HF
    /// num_key_value_heads).</summary>
    public int NKvHeads { get; init; } = 4;
    /// <summary>Channels per head when not dim / n_heads (HF head_dim; Llama-3.2, Mistral-Nemo); null: dim /
    /// n_heads.</summary>
    public int? ExplicitHeadDim { get; init; }
    /// <summary>Vocabulary size.</summary>
    public int VocabSize { get; init; } = 512;
    /// <summary>Longest context the model was trained on (HF max_position_embeddings).</summary>
    public int MaxSeqLen { get; init; } = 512;
    /// <summary>RMSNorm epsilon (HF rms_norm_eps).</summary>
    public double NormEps { get; init; } = 1e-5;
    /// <summary>RoPE base (HF rope_theta).</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>Llama-3.1's frequency-dependent RoPE rescaling (HF rope_scaling with rope_type "llama3"); null:
    /// none.</summary>
    public Llama3RopeScaling? RopeScaling { get; init; }
    /// <summary>The output classifier shares the token-embedding matrix (HF tie_word_embeddings).</summary>
    public bool TieWordEmbeddings { get; init; } = true;
    /// <summary>Channel pairing of RoPE; HF checkpoints are half-split.</summary>
    public RopeLayout RopeLayout { get; init; } = RopeLayout.HalfSplit;
    /// <summary>Bias on q_proj, k_proj, v_proj (Qwen2 always; Llama attention_bias).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Bias on o_proj (Llama attention_bias; not Qwen2).</summary>
    public bool OutputBias { get; init; }
    /// <summary>Bias on gate/up/down_proj (Llama mlp_bias).</summary>
    public bool MlpBias { get; init; }
    /// <summary>Each query sees only the last this-many positions, itself included (Mistral sliding_window); null:
    /// all.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Channels per head.</summary>
    public int HeadDim => ExplicitHeadDim ?? Dim / NHeads;

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
        if (ExplicitHeadDim is < 1) yield return $"explicit_head_dim must be >= 1, got {ExplicitHeadDim}";
        if (SlidingWindow is < 1) yield return $"sliding_window must be >= 1, got {SlidingWindow}";
        if (NHeads >= 1 && ExplicitHeadDim is null && Dim % NHeads != 0)
            yield return $"dim {Dim} must be divisible by n_heads {NHeads}";
        else if (NHeads >= 1 && HeadDim % 2 != 0) yield return $"head dim {HeadDim} must be even for RoPE";
        if (NKvHeads >= 1 && NHeads % NKvHeads != 0)
            yield return $"n_heads {NHeads} must be divisible by n_kv_heads {NKvHeads}";
        if (RopeScaling is not null)
            foreach (var error in RopeScaling.Validate()) yield return "rope_scaling." + error;
    }
}

/// <summary>
/// Llama-3.1 RoPE scaling (HF modeling_rope_utils._compute_llama3_parameters): frequencies whose wavelength is longer
/// than original_max_position_embeddings / low_freq_factor are divided by factor, those shorter than
/// original / high_freq_factor are kept, and the band between is interpolated smoothly.
/// </summary>
public sealed record Llama3RopeScaling : IValidatable
{
    public double Factor { get; init; } = 8.0;
    public double LowFreqFactor { get; init; } = 1.0;
    public double HighFreqFactor { get; init; } = 4.0;
    public int OriginalMaxPositionEmbeddings { get; init; } = 8192;

    public IEnumerable<string> Validate()
    {
        if (Factor <= 0) yield return $"factor must be > 0, got {Factor}";
        if (LowFreqFactor <= 0 || HighFreqFactor <= LowFreqFactor)
            yield return $"need 0 < low_freq_factor < high_freq_factor, got {LowFreqFactor} and {HighFreqFactor}";
        if (OriginalMaxPositionEmbeddings < 1)
            yield return $"original_max_position_embeddings must be >= 1, got {OriginalMaxPositionEmbeddings}";
    }
}
