using System.Globalization;
using System.Text;
using LoraLab.IO;

namespace LoraLab.Models.Llama;

/// <summary>
/// llama2.c's tokenizer.bin reader and its SentencePiece-BPE-compatible encoder/decoder (llama2.c run.c
/// <c>encode</c>/<c>decode</c>; data/SOURCES.md §1b). Layout: uint32 max_token_length, then per piece
/// float32 score, int32 byte length, raw UTF-8 bytes. The piece count is not stored: it is the model's vocab size.
/// </summary>
public sealed class Llama2cTokenizer : Tokenizers.ITokenizer
{
    public const int Bos = 1;
    public const int Eos = 2;
    private const int ByteFallbackOffset = 3; // byte b is piece "<0xHH>" with id b + 3

    private readonly string[] _pieces;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    private Llama2cTokenizer(string[] pieces, float[] scores)
    {
        (_pieces, _scores) = (pieces, scores);
        for (var i = 0; i < pieces.Length; i++) _ids.TryAdd(pieces[i], i); // first id wins on a duplicate piece
    }

    /// <summary>A tokenizer from pieces in llama2.c form (spaces, not ▁) and their merge scores (see <see
    /// cref="HfTokenizerJson"/>).</summary>
    internal static Llama2cTokenizer FromPieces(string[] pieces, float[] scores) => new(pieces, scores);

    public int VocabSize => _pieces.Length;

    /// <summary>The piece as stored (spaces, not SentencePiece's ▁; BOS/EOS as "\n&lt;s&gt;\n" /
    /// "\n&lt;/s&gt;\n").</summary>
    public string Piece(int id) => _pieces[id];

    /// <summary>The BPE merge score: a merge producing a higher-scored piece happens first.</summary>
    public float Score(int id) => _scores[id];

    public static Llama2cTokenizer Load(string path, int vocabSize)
    {
        if (!File.Exists(path)) throw new LoraLabException($"tokenizer not found: {path}");
        using var reader = new BinaryReader(File.OpenRead(path));
        var pieces = new string[vocabSize];
        var scores = new float[vocabSize];
        try
        {
            reader.ReadUInt32(); // max_token_length: only sizes a buffer in C
            for (var i = 0; i < vocabSize; i++)
            {
                scores[i] = reader.ReadSingle();
                var length = reader.ReadInt32();
                if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
                    throw new LoraLabException($"{path}: piece {i} claims {length} bytes, past the end of the file");
                pieces[i] = Encoding.UTF8.GetString(reader.ReadBytes(length));
            }
        }
        catch (EndOfStreamException)
        {
            throw new LoraLabException($"{path}: file ends before piece {Array.IndexOf(pieces, null)} of " +
                                       $"{vocabSize}; truncated, or the vocab size is wrong");
        }
        return new Llama2cTokenizer(pieces, scores);
    }

    /// <summary>BOS (optional), a dummy-prefix space, code points (or their UTF-8 bytes), then greedy BPE
    /// merges.</summary>
    public IReadOnlyList<int> Encode(string text, bool bos = true)
    {
        var tokens = new List<int>();
        if (text.Length > 0) tokens.Add(_ids.TryGetValue(" ", out var space) ? space // SentencePiece's add_dummy_prefix
            : throw new LoraLabException("tokenizer has no \" \" piece for the dummy prefix: " +
                                         "not a llama2.c tokenizer"));
        foreach (var rune in text.EnumerateRunes())
        {
            if (_ids.TryGetValue(rune.ToString(), out var id)) { tokens.Add(id); continue; }
            var utf8 = new byte[rune.Utf8SequenceLength];
            rune.EncodeToUtf8(utf8);
            tokens.AddRange(utf8.Select(b => b + ByteFallbackOffset));
        }
        while (MergeBestPair(tokens)) { }
        if (bos) tokens.Insert(0, Bos);
        return tokens;
    }

    // Merges the adjacent pair whose concatenation is a piece with the highest score; strict '>' keeps the leftmost on
    // ties.
    private bool MergeBestPair(List<int> tokens)
    {
        var (bestScore, bestIndex, bestId) = (float.NegativeInfinity, -1, -1);
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (_ids.TryGetValue(_pieces[tokens[i]] + _pieces[tokens[i + 1]], out var id) && _scores[id] > bestScore)
                (bestScore, bestIndex, bestId) = (_scores[id], i, id);
        }
        if (bestIndex < 0) return false;
        tokens[bestIndex] = bestId;
        tokens.RemoveAt(bestIndex + 1);
        return true;
    }

    /// <summary>Bytes of <paramref name="token"/> after <paramref name="previous"/>: a piece after BOS loses one
    /// leading space; "&lt;0xHH&gt;" is one raw byte.</summary>
    public byte[] DecodeBytes(int previous, int token)
    {
        var piece = _pieces[token];
        if (previous == Bos && piece.StartsWith(' ')) piece = piece[1..];
        if (piece.Length == 6 && piece.StartsWith("<0x") && piece.EndsWith('>')
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            return [b];
        return Encoding.UTF8.GetBytes(piece);
    }

    /// <summary>Decodes a sequence that follows <paramref name="previous"/> (BOS by default, as after generation from
    /// BOS).</summary>
    public byte[] DecodeBytes(IEnumerable<int> tokens, int previous = Bos)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bytes.AddRange(DecodeBytes(previous, token));
            previous = token;
        }
        return bytes.ToArray();
    }

    public string Decode(IEnumerable<int> tokens, int previous = Bos) =>
        Encoding.UTF8.GetString(DecodeBytes(tokens, previous));

    IReadOnlyList<int> Tokenizers.ITokenizer.Encode(string text) => Encode(text, bos: false);
    string Tokenizers.ITokenizer.Decode(IEnumerable<int> ids) => Decode(ids);
    int? Tokenizers.ITokenizer.BosId => Bos;
    int? Tokenizers.ITokenizer.EosId => Eos;
    int? Tokenizers.ITokenizer.PadId => null;
    bool Tokenizers.ITokenizer.AddsBos => true;
    int? Tokenizers.ITokenizer.TokenId(string token) => _ids.TryGetValue(token, out var id) ? id : null;
}
