using LoraLab.Models.Llama;

namespace LoraLab.Training.Data;

/// <summary>
/// <see cref="ITextTokenizer"/> over llama2.c's SentencePiece-BPE tokenizer (tok512 for stories260K).
/// llama2.c's encoder is quadratic in the text length (each merge rescans all pairs), so long documents are encoded
/// word by word: " " + text is cut before every space that follows a non-space, and each piece is encoded on its own
/// (its leading space is the encoder's dummy prefix). This is exact when no vocabulary piece holds a space after a
/// non-space character — true of tok512 (its only space-bearing pieces start with the space) and of SentencePiece
/// models that split by whitespace — because then no merge can cross a cut. Tests compare with whole-text encoding.
/// </summary>
internal sealed class Llama2cTextTokenizer(Llama2cTokenizer tokenizer) : ITextTokenizer
{
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var word in Words(text)) ids.AddRange(tokenizer.Encode(word, bos: false));
        return ids.ToArray();
    }

    public int? BosId => Llama2cTokenizer.Bos;

    public int? EosId => Llama2cTokenizer.Eos;

    public int VocabSize => tokenizer.VocabSize;

    /// <summary>The piece equal to <paramref name="token"/> (HF tokenizer.json added tokens are pieces too).</summary>
    public int? TokenId(string token)
    {
        for (var id = 0; id < tokenizer.VocabSize; id++)
            if (tokenizer.Piece(id) == token) return id;
        return null;
    }

    /// <summary>The pieces of " " + <paramref name="text"/> between cuts, each without its first space.</summary>
    internal static IEnumerable<string> Words(string text)
    {
        if (text.Length == 0) yield break;
        var s = " " + text;
        var start = 0;
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] != ' ' || s[i - 1] == ' ') continue;
            if (s.AsSpan(i).Trim(' ').Length == 0) break;      // trailing spaces stay with the last word
            yield return s[(start + 1)..i];
            start = i;
        }
        yield return s[(start + 1)..];
    }
}
