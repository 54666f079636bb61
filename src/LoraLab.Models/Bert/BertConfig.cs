using LoraLab.IO.Config;

namespace LoraLab.Models.Bert;

/// <summary>
/// Shape and regularization of a BERT-architecture encoder, with Hugging Face <c>BertConfig</c>'s meanings
/// (config.json keys: vocab_size, hidden_size, num_hidden_layers, ...). <see cref="PositionOffset"/> is 0 for BERT and
/// pad_token_id + 1 = 2 for RoBERTa, whose position ids start after the padding index.
/// </summary>
public sealed record BertConfig : IValidatable
{
    public int VocabSize { get; init; } = 30522;
    public int HiddenSize { get; init; } = 768;
    public int NumLayers { get; init; } = 12;
    public int NumHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>Only "gelu" (the exact erf form, HF's "gelu") is implemented.</summary>
    public string HiddenAct { get; init; } = "gelu";
    public double HiddenDropout { get; init; } = 0.1;
    public double AttentionDropout { get; init; } = 0.1;
    public int PositionOffset { get; init; } = 0;
    /// <summary>Whether the model carries HF's pooler (tanh(dense(h_[CLS]))), used by <see
    /// cref="BertPooling.Pooler"/>.</summary>
    public bool AddPooler { get; init; } = true;

    /// <summary>sentence-transformers/all-MiniLM-L6-v2 (6 layers, d = 384, 12 heads, FFN 1536; 22.7 M
    /// parameters).</summary>
    public static BertConfig MiniLmL6 { get; } = new()
    {
        HiddenSize = 384, NumLayers = 6, NumHeads = 12, IntermediateSize = 1536,
    };

    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>The longest input the position table holds (RoBERTa's positions start after padding_idx + 1).</summary>
    public int MaxTokens => MaxPositionEmbeddings - PositionOffset;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[]
                 {
                     ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("num_layers", NumLayers),
                     ("num_heads", NumHeads), ("intermediate_size", IntermediateSize),
                     ("max_position_embeddings", MaxPositionEmbeddings), ("type_vocab_size", TypeVocabSize),
                 })
            if (value < 1) yield return $"{name} must be >= 1, got {value}";
        if (NumHeads >= 1 && HiddenSize % NumHeads != 0)
            yield return $"hidden_size ({HiddenSize}) must be divisible by num_heads ({NumHeads})";
        if (LayerNormEps is <= 0 or > 1e-2) yield return $"layer_norm_eps must be in (0, 1e-2], got {LayerNormEps}";
        if (HiddenAct != "gelu") yield return $"hidden_act must be \"gelu\", got \"{HiddenAct}\"";
        if (HiddenDropout is < 0 or >= 1) yield return $"hidden_dropout must be in [0, 1), got {HiddenDropout}";
        if (AttentionDropout is < 0 or >= 1)
            yield return $"attention_dropout must be in [0, 1), got {AttentionDropout}";
        if (PositionOffset < 0) yield return $"position_offset must be >= 0, got {PositionOffset}";
    }
}
