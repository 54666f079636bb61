using System.Text;
using System.Text.RegularExpressions;
using LoraLab.IO;

namespace LoraLab.Models.Tokenizers;

/// <summary>
/// Byte-level BPE (Radford et al. 2019), the tokenizer of GPT-2, RoBERTa, Llama-3 and Qwen2, computing what
/// Hugging Face tokenizers' BPE model does: split the text on added tokens, normalize (NFC for Qwen2), cut it into
/// pre-tokens with the model's regex, map each pre-token's UTF-8 bytes to printable characters (GPT-2's
/// bytes_to_unicode), then repeatedly merge the adjacent pair of lowest merge rank. With <c>ignore_merges</c>
/// (Llama-3) a pre-token that is itself in the vocab is emitted whole. Loaded by <see cref="ByteLevelBpeFiles"/>.
/// Checked against HF's Rust tokenizers in the tests. Microsoft.ML.Tokenizers 2.0.1 (already a dependency) has a
/// byte-level BpeTokenizer but reads no tokenizer.json and has no ignore_merges, so the mapping would be ours anyway.
/// NFC is <see cref="UnicodeNfc"/>: the build runs with InvariantGlobalization, where string.Normalize leaves
/// non-ASCII text unchanged.
/// </summary>
public sealed class ByteLevelBpeTokenizer : ITokenizer
{
    /// <summary>GPT-2's pre-tokenizer pattern (HF ByteLevel with use_regex).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>An added token of tokenizer.json: matched in the raw text before anything else.</summary>
    public sealed record AddedToken(string Content, int Id, bool Special, bool LStrip = false, bool RStrip = false);

    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _tokens; // id → vocab string (byte-level chars) or added-token content
    private readonly HashSet<int> _addedIds;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Regex _preTokenizer;
    private readonly AddedToken[] _added;
    private readonly Dictionary<char, AddedToken[]> _addedByFirstChar; // longest first: a match is leftmost-longest
    private readonly bool _nfc, _addPrefixSpace, _ignoreMerges;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    internal ByteLevelBpeTokenizer(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges,
        string pattern, IReadOnlyList<AddedToken> added, bool nfc, bool addPrefixSpace, bool ignoreMerges,
        int? bos, int? eos, int? pad, bool addsBos)
    {
        _vocab = vocab;
        _ranks = new Dictionary<(string, string), int>();
        for (var rank = 0; rank < merges.Count; rank++) _ranks.TryAdd(merges[rank], rank);
        _added = added.Where(t => t.Content.Length > 0).ToArray();
        _addedByFirstChar = _added.GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _addedIds = added.Select(t => t.Id).ToHashSet();
        VocabSize = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1,
                             added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        _tokens = new string?[VocabSize];
        foreach (var (token, id) in vocab) _tokens[id] = token;
        foreach (var token in added) _tokens[token.Id] = token.Content;
        _preTokenizer = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        (_nfc, _addPrefixSpace, _ignoreMerges) = (nfc, addPrefixSpace, ignoreMerges);
        (BosId, EosId, PadId, AddsBos) = (bos, eos, pad, addsBos);
    }

    public int? BosId { get; }
    public int? EosId { get; }
    public int? PadId { get; }
    public bool AddsBos { get; }
    public int VocabSize { get; }

    /// <summary>The id of a vocab string (byte-level form) or added token, if any.</summary>
    public int? TokenId(string token) =>
        _added.FirstOrDefault(t => t.Content == token)?.Id ?? (_vocab.TryGetValue(token, out var id) ? id : null);

    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (var (segment, addedId) in SplitOnAddedTokens(text))
        {
            if (addedId is { } id) { ids.Add(id); continue; }
            var normalized = _nfc ? UnicodeNfc.Normalize(segment) : segment;
            if (_addPrefixSpace && normalized.Length > 0 && normalized[0] != ' ') normalized = " " + normalized;
            foreach (Match piece in _preTokenizer.Matches(normalized)) ids.AddRange(EncodeWord(piece.Value));
        }
        return ids;
    }

    // Text between added tokens, and the added tokens; lstrip/rstrip tokens swallow the whitespace beside them.
    private IEnumerable<(string Text, int? Added)> SplitOnAddedTokens(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!_addedByFirstChar.TryGetValue(text[i], out var candidates)) continue;
            var token = candidates.FirstOrDefault(
                t => string.CompareOrdinal(text, i, t.Content, 0, t.Content.Length) == 0);
            if (token is null) continue;
            var left = i;
            if (token.LStrip) while (left > start && char.IsWhiteSpace(text[left - 1])) left--;
            if (left > start) yield return (text[start..left], null);
            yield return ("", token.Id);
            i += token.Content.Length;
            if (token.RStrip) while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            start = i;
            i--;
        }
        if (start < text.Length) yield return (text[start..], null);
    }

    // One pre-token: its bytes as byte-level characters, then lowest-rank merges until none applies.
    private int[] EncodeWord(string word)
    {
        if (_cache.TryGetValue(word, out var cached)) return cached;
        var chars = string.Concat(Encoding.UTF8.GetBytes(word).Select(b => ByteToChar[b]));
        List<string> parts;
        if (_ignoreMerges && _vocab.ContainsKey(chars)) parts = [chars];
        else
        {
            parts = chars.Select(c => c.ToString()).ToList();
            while (parts.Count > 1)
            {
                var (best, bestRank) = (-1, int.MaxValue);
                for (var i = 0; i + 1 < parts.Count; i++)
                    if (_ranks.TryGetValue((parts[i], parts[i + 1]), out var rank) && rank < bestRank)
                        (best, bestRank) = (i, rank);
                if (best < 0) break;
                var (l, r) = (parts[best], parts[best + 1]);
                var merged = new List<string>(parts.Count);
                for (var i = 0; i < parts.Count; i++) // merge every occurrence of the pair, left to right
                {
                    if (i + 1 < parts.Count && parts[i] == l && parts[i + 1] == r) { merged.Add(l + r); i++; }
                    else merged.Add(parts[i]);
                }
                parts = merged;
            }
        }
        var ids = parts.Select(p => _vocab.TryGetValue(p, out var id) ? id
            : throw new LoraLabException($"byte-level BPE: piece \"{p}\" of \"{word}\" is not in the vocab")).ToArray();
        if (_cache.Count < 100_000) _cache[word] = ids;
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var token = id >= 0 && id < _tokens.Length ? _tokens[id] : null;
            if (token is null) continue; // an id past the tokenizer (padded model vocab): nothing to write
            if (_addedIds.Contains(id))
            {
                Flush();
                text.Append(token);
                continue;
            }
            foreach (var c in token) if (CharToByte.TryGetValue(c, out var b)) bytes.Add(b);
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            text.Append(Encoding.UTF8.GetString(bytes.ToArray())); // invalid UTF-8 → U+FFFD, HF's errors="replace"
            bytes.Clear();
        }
    }

    // GPT-2 encoder.py bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards.
    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}
