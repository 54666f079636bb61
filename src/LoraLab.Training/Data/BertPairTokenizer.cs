using LoraLab.Models.Bert;

namespace LoraLab.Training.Data;

/// <summary><see cref="IPairTokenizer"/> over the WordPiece tokenizer of the BERT models.</summary>
internal sealed class BertPairTokenizer(BertTextTokenizer tokenizer) : IPairTokenizer
{
    public TokenizedPair Encode(string text, string? pair, int maxLength)
    {
        var e = tokenizer.Encode(text, pair, maxLength);
        return new TokenizedPair(e.InputIds, e.TokenTypeIds);
    }

    public int PadId => tokenizer.PadId;
}
