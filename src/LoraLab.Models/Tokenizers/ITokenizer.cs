namespace LoraLab.Models.Tokenizers;

/// <summary>
/// Text ↔ token ids for a model folder's tokenizer (llama2.c / SentencePiece BPE or byte-level BPE).
/// <see cref="Encode"/> adds no BOS/EOS, but special tokens written in the text ("&lt;|im_start|&gt;") become their
/// ids.
/// </summary>
public interface ITokenizer
{
    /// <summary>Ids of <paramref name="text"/>, without BOS/EOS.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>The text of <paramref name="ids"/>; special tokens are written as their content.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>Beginning-of-sequence id, or null when the tokenizer has none.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id (generation stops there), or null when the tokenizer has none.</summary>
    int? EosId { get; }

    /// <summary>Padding id, or null when the tokenizer names none.</summary>
    int? PadId { get; }

    /// <summary>Whether the model's own tokenizer puts BOS before a text (Llama: yes; GPT-2, Qwen2: no).</summary>
    bool AddsBos { get; }

    /// <summary>The id of <paramref name="token"/> when it is one vocabulary entry or added token (a chat template's
    /// "&lt;|im_start|&gt;"), else null.</summary>
    int? TokenId(string token);

    /// <summary>Ids the tokenizer can produce (the model's vocab may be larger).</summary>
    int VocabSize { get; }
}
