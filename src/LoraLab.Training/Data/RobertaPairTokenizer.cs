using LoraLab.IO;
using LoraLab.Models.Tokenizers;

namespace LoraLab.Training.Data;

/// <summary>
/// RoBERTa's encoder input from its byte-level BPE (<c>tokenizer.json</c>, post-processor RobertaProcessing):
/// <c>&lt;s&gt; a &lt;/s&gt;</c>, or <c>&lt;s&gt; a &lt;/s&gt;&lt;/s&gt; b &lt;/s&gt;</c> for a pair, all segment ids 0
/// (type_vocab_size 1), "longest_first" truncation to <c>maxLength</c> tokens including the four specials, as
/// transformers' RobertaTokenizer(Fast) does.
/// </summary>
internal sealed class RobertaPairTokenizer : IPairTokenizer
{
    readonly ByteLevelBpeTokenizer _bpe;
    readonly int _cls, _sep;

    public RobertaPairTokenizer(ByteLevelBpeTokenizer bpe, string folder)
    {
        _bpe = bpe;
        _cls = bpe.TokenId("<s>") ?? throw Missing(folder, "<s>");
        _sep = bpe.TokenId("</s>") ?? throw Missing(folder, "</s>");
        PadId = bpe.PadId ?? bpe.TokenId("<pad>") ?? throw Missing(folder, "<pad>");
    }

    public int PadId { get; }

    public TokenizedPair Encode(string text, string? pair, int maxLength)
    {
        var special = pair is null ? 2 : 4;
        if (maxLength < special + 1)
            throw new LoraLabException($"max_seq_len must be >= {special + 1} for this input, got {maxLength}");
        var a = _bpe.Encode(text).ToList();
        var b = pair is null ? null : _bpe.Encode(pair).ToList();
        while (a.Count + (b?.Count ?? 0) > maxLength - special)                      // longest_first
        {
            var longer = b is not null && b.Count > a.Count ? b : a;
            longer.RemoveAt(longer.Count - 1);
        }
        int[] ids = b is null ? [_cls, .. a, _sep] : [_cls, .. a, _sep, _sep, .. b, _sep];
        return new TokenizedPair(ids, new int[ids.Length]);
    }

    static LoraLabException Missing(string folder, string token) =>
        new($"{folder}: the tokenizer has no {token} token (not a RoBERTa tokenizer)", ExitCodes.BadInput);
}
