using LoraLab.IO;
using Microsoft.ML.Tokenizers;

namespace LoraLab.Models.Bert;

/// <summary>
/// WordPiece tokenization for BERT models (Microsoft.ML.Tokenizers' BertTokenizer: basic tokenization, lowercasing,
/// accent stripping, greedy longest-match WordPiece), with HF's handling of sentence pairs: segment ids and
/// "longest_first" truncation (drop one token at a time from the longer side until the pair fits).
/// </summary>
public sealed class BertTextTokenizer
{
    private readonly BertTokenizer _tokenizer;
    private readonly bool _stripAccents;

    private BertTextTokenizer(BertTokenizer tokenizer, bool stripAccents) =>
        (_tokenizer, _stripAccents) = (tokenizer, stripAccents);

    /// <summary>From a vocab.txt (one WordPiece per line); <paramref name="lowerCase"/> for uncased models
    /// (lowercasing and accent stripping, as HF's do_lower_case).</summary>
    public static BertTextTokenizer FromVocab(string vocabPath, bool lowerCase = true)
    {
        if (!File.Exists(vocabPath)) throw new LoraLabException($"vocabulary not found: {vocabPath}");
        // HF BertTokenizer: strip_accents=None follows do_lower_case (uncased models strip accents: "café" → "cafe").
        var options = new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase };
        return new BertTextTokenizer(BertTokenizer.Create(vocabPath, options), stripAccents: lowerCase);
    }

    public int PadId => _tokenizer.PaddingTokenId;

    /// <summary>
    /// [CLS] text [SEP] (pair [SEP]), truncated to at most <paramref name="maxLength"/> tokens including the
    /// special tokens.
    /// </summary>
    public BertEncoding Encode(string text, string? pair = null, int maxLength = 512)
    {
        var special = pair is null ? 2 : 3;
        if (maxLength < special + 1)
            throw new LoraLabException($"max_length must be >= {special + 1} for this input, got {maxLength}");
        var a = Ids(text);
        var b = pair is null ? null : Ids(pair);
        TruncateLongestFirst(a, b, maxLength - special);
        var ids = _tokenizer.BuildInputsWithSpecialTokens(a, b);
        var types = _tokenizer.CreateTokenTypeIdsFromSequences(a, b);
        return new BertEncoding(ids.ToArray(), types.ToArray());
    }

    /// <summary>WordPiece ids without special tokens; accents folded first (NFD is unavailable without ICU).</summary>
    private List<int> Ids(string text) =>
        _tokenizer.EncodeToIds(_stripAccents ? AccentFolding.Fold(text) : text, addSpecialTokens: false).ToList();

    private static void TruncateLongestFirst(List<int> a, List<int>? b, int budget)
    {
        while (a.Count + (b?.Count ?? 0) > budget)
        {
            var longer = b is not null && b.Count > a.Count ? b : a;
            longer.RemoveAt(longer.Count - 1);
        }
    }
}
