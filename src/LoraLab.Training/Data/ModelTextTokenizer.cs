using LoraLab.Models.Tokenizers;

namespace LoraLab.Training.Data;

/// <summary>
/// <see cref="ITextTokenizer"/> over a model folder's <see cref="ITokenizer"/> (byte-level BPE for Llama-3, Qwen2,
/// Mistral's tokenizer.json, ...). BOS is offered only where the model's own tokenizer adds it (Qwen2: never);
/// EOS is tokenizer_config.json's eos_token (Qwen2 chat models: &lt;|im_end|&gt;). Special tokens are looked up
/// among the added tokens, as a chat template needs them.
/// </summary>
internal sealed class ModelTextTokenizer(ITokenizer tokenizer) : ITextTokenizer
{
    public int[] Encode(string text) => [.. tokenizer.Encode(text)];

    public int? BosId => tokenizer.AddsBos ? tokenizer.BosId : null;

    public int? EosId => tokenizer.EosId;

    public int VocabSize => tokenizer.VocabSize;

    /// <summary>An added/special token by its content; other tokenizers: the one id the text encodes to, if it
    /// decodes back to the same text.</summary>
    public int? TokenId(string token) => tokenizer switch
    {
        ByteLevelBpeTokenizer bpe => bpe.TokenId(token),
        _ => tokenizer.Encode(token) is [var id] && tokenizer.Decode([id]) == token ? id : null,
    };
}
