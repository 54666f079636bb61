using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO;

namespace LoraLab.Models.Bert;

/// <summary>
/// WordPiece tokenization for BERT models as Hugging Face tokenizers' BertTokenizerFast does it: the words of
/// <see cref="BertBasicTokenizer"/> (clean text, CJK split, accents stripped in every script, lowercase, punctuation
/// split), then greedy longest-match WordPiece ("##" continuations; a word with no match, or longer than 100
/// characters, is [UNK]); and HF's handling of sentence pairs: segment ids and "longest_first" truncation (drop one
/// token at a time from the longer side until the pair fits). Checked against HF's Rust tokenizers in the tests.
/// (Microsoft.ML.Tokenizers' BertTokenizer, used before, dropped tabs and newlines instead of splitting on them,
/// dropped emoji instead of giving [UNK], and could not strip accents outside its Latin table without ICU.)
/// </summary>
public sealed class BertTextTokenizer
{
    private const int MaxInputCharsPerWord = 100;
    private readonly Dictionary<string, int> _vocab;
    private readonly bool _lowerCase, _stripAccents;
    private readonly int _unk, _cls, _sep;

    private BertTextTokenizer(Dictionary<string, int> vocab, bool lowerCase, bool stripAccents, string path)
    {
        (_vocab, _lowerCase, _stripAccents) = (vocab, lowerCase, stripAccents);
        int Special(string token) => vocab.TryGetValue(token, out var id) ? id
            : throw new LoraLabException($"{path}: the vocabulary has no {token} token", ExitCodes.BadInput);
        (_unk, _cls, _sep, PadId) = (Special("[UNK]"), Special("[CLS]"), Special("[SEP]"), Special("[PAD]"));
    }

    /// <summary>From a vocab.txt (one WordPiece per line, id = line number from 0); <paramref name="lowerCase"/> for
    /// uncased models; accents are stripped when <paramref name="stripAccents"/> says so, else when lowercasing (HF's
    /// do_lower_case and strip_accents).</summary>
    public static BertTextTokenizer FromVocab(string vocabPath, bool lowerCase = true, bool? stripAccents = null)
    {
        if (!File.Exists(vocabPath)) throw new LoraLabException($"vocabulary not found: {vocabPath}");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(vocabPath);
        for (var i = 0; i < lines.Length; i++) vocab[lines[i]] = i; // a repeated line keeps its last id, as HF's
        return new BertTextTokenizer(vocab, lowerCase, stripAccents ?? lowerCase, vocabPath);
    }

    /// <summary>A BERT model folder's tokenizer: vocab.txt, with do_lower_case (default true, as transformers') and
    /// strip_accents (default: follows do_lower_case) from tokenizer_config.json when it has them, so a cased model
    /// (bert-base-cased: do_lower_case false) keeps its case and accents.</summary>
    public static BertTextTokenizer FromFolder(string dir)
    {
        var configPath = Path.Combine(dir, "tokenizer_config.json");
        JsonObject? config = null;
        if (File.Exists(configPath))
        {
            try { config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject; }
            catch (JsonException ex)
            {
                throw new LoraLabException($"{configPath}: not valid JSON ({ex.Message})", ExitCodes.BadInput, ex);
            }
        }
        bool? Flag(string key) => config?[key] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            var other => throw new LoraLabException(
                $"{configPath}: \"{key}\" is {other.ToJsonString()}, expected true, false or null", ExitCodes.BadInput),
        };
        return FromVocab(Path.Combine(dir, "vocab.txt"), Flag("do_lower_case") ?? true, Flag("strip_accents"));
    }

    public int PadId { get; }

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
        List<int> ids = [_cls, .. a, _sep], types = [.. Enumerable.Repeat(0, a.Count + 2)];
        if (b is not null)
        {
            ids.AddRange([.. b, _sep]);
            types.AddRange(Enumerable.Repeat(1, b.Count + 1));
        }
        return new BertEncoding(ids.ToArray(), types.ToArray());
    }

    /// <summary>WordPiece ids without special tokens.</summary>
    private List<int> Ids(string text)
    {
        var ids = new List<int>();
        foreach (var word in BertBasicTokenizer.Words(text, _lowerCase, _stripAccents)) WordPiece(word, ids);
        return ids;
    }

    // Greedy longest match from the left over whole characters (tokenizers' WordPiece model).
    private void WordPiece(string word, List<int> into)
    {
        var starts = new List<int>(); // UTF-16 offset of each character
        for (var i = 0; i < word.Length; i += char.IsSurrogatePair(word, i) ? 2 : 1) starts.Add(i);
        if (starts.Count > MaxInputCharsPerWord) { into.Add(_unk); return; }
        starts.Add(word.Length);
        var pieces = new List<int>();
        for (var start = 0; start < starts.Count - 1;)
        {
            var end = starts.Count - 1;
            int? piece = null;
            for (; end > start; end--)
            {
                var sub = word[starts[start]..starts[end]];
                if (_vocab.TryGetValue(start > 0 ? "##" + sub : sub, out var id)) { piece = id; break; }
            }
            if (piece is null) { into.Add(_unk); return; }
            pieces.Add(piece.Value);
            start = end;
        }
        into.AddRange(pieces);
    }

    private static void TruncateLongestFirst(List<int> a, List<int>? b, int budget)
    {
        while (a.Count + (b?.Count ?? 0) > budget)
        {
            var longer = b is not null && b.Count > a.Count ? b : a;
            longer.RemoveAt(longer.Count - 1);
        }
    }
}
