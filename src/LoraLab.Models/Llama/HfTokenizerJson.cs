using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO;

namespace LoraLab.Models.Llama;

/// <summary>
/// Reads and writes Hugging Face <c>tokenizer.json</c> files of the Llama kind (SentencePiece-derived BPE with byte
/// fallback, as transformers' LlamaConverter writes them) as a <see cref="Llama2cTokenizer"/>. HF's BPE applies the
/// merge of lowest rank first; llama2.c merges the adjacent pair whose concatenation has the highest score. Reading
/// gives each merged piece the score −(rank of its first merge) and pieces no merge produces −∞ (never merged, as in
/// HF). Writing lists, in score order, every split of each multi-character piece into two vocab pieces (ordered by
/// their ids), as transformers' SentencePieceExtractor does, because an HF merge applies only to its own pair.
/// Known differences from HF: HF also matches the literal text "&lt;s&gt;" etc. as special tokens, and when two
/// different splits of one piece overlap (…ab|a|ba…) HF merges the lower-ranked split, llama2.c the leftmost.
/// </summary>
internal static class HfTokenizerJson
{
    public const string FileName = "tokenizer.json";
    private const string Metaspace = "\u2581";
    private const int FirstByte = 3, FirstNormal = 259; // <unk>, <s>, </s>, then <0x00>..<0xFF>
    private static readonly string[] HfSpecials = ["<unk>", "<s>", "</s>"];
    private static readonly string[] Llama2cSpecials = ["<unk>", "\n<s>\n", "\n</s>\n"];

    public static Llama2cTokenizer Load(string path, int vocabSize)
    {
        if (!File.Exists(path)) throw new LoraLabException($"tokenizer not found: {path}");
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw Fail(path, "not a JSON object"); }
        catch (JsonException e) { throw Fail(path, $"not valid JSON ({e.Message.Split('\n')[0]})"); }
        var model = root["model"] as JsonObject ?? throw Fail(path, "no \"model\" object");
        string[] pieces; float[] scores;
        try
        {
            CheckKind(path, root, model);
            pieces = ReadVocab(path, root, model, vocabSize);
            scores = ReadMergeScores(path, model, pieces);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw Fail(path, $"unexpected JSON value ({e.Message.Split('\n')[0]})");
        }
        for (var i = 0; i < HfSpecials.Length; i++) pieces[i] = Llama2cSpecials[i];
        return Llama2cTokenizer.FromPieces(pieces.Select(p => p.Replace(Metaspace, " ")).ToArray(), scores);
    }

    // Only what Llama2cTokenizer.Encode computes: dummy prefix + spaces as ▁, no word splitting, BPE with byte
    // fallback.
    private static void CheckKind(string path, JsonObject root, JsonObject model)
    {
        var type = Text(model["type"]);
        if (type != "BPE")
            throw Fail(path, $"tokenizer kind \"{type}\" is not supported (only Llama-style SentencePiece BPE)");
        var pre = root["pre_tokenizer"];
        if (Text(pre?["type"]) == "ByteLevel" || Text(root["decoder"]?["type"]) == "ByteLevel")
            throw Fail(path, "tokenizer kind \"ByteLevel BPE\" (GPT-2 style) is not supported " +
                             "(only Llama-style SentencePiece BPE)");
        if (model["byte_fallback"]?.GetValue<bool>() != true)
            throw Fail(path, "BPE without byte_fallback is not supported (only Llama-style SentencePiece BPE)");
        if (!string.IsNullOrEmpty(Text(model["continuing_subword_prefix"]))
            || !string.IsNullOrEmpty(Text(model["end_of_word_suffix"])))
            throw Fail(path, "BPE with continuing_subword_prefix / end_of_word_suffix is not supported");
        if (model["ignore_merges"]?.GetValue<bool>() == true)
            throw Fail(path, "BPE with ignore_merges is not supported");
        var normalizer = root["normalizer"];
        var llamaNormalizer = Text(normalizer?["type"]) == "Sequence"
            && normalizer?["normalizers"] is JsonArray { Count: 2 } steps
            && steps.Any(s => Text(s?["type"]) == "Prepend" && Text(s?["prepend"]) == Metaspace)
            && steps.Any(s => Text(s?["type"]) == "Replace" && Text(s?["pattern"]?["String"]) == " "
                         && Text(s?["content"]) == Metaspace);
        var metaspace = pre is not null && Text(pre["type"]) == "Metaspace" && Text(pre["replacement"]) == Metaspace
            && pre["split"]?.GetValue<bool>() == false && Text(pre["prepend_scheme"]) is "first" or "always";
        if (llamaNormalizer && pre is null || metaspace && normalizer is null) return;
        throw Fail(path, $"normalizer {Text(normalizer?["type"]) ?? "null"} / pre_tokenizer " +
                         $"{Text(pre?["type"]) ?? "null"} is not supported (expected Prepend(▁)+Replace(' ',▁), or " +
                         "Metaspace with prepend_scheme first and split false)");
    }

    private static string[] ReadVocab(string path, JsonObject root, JsonObject model, int vocabSize)
    {
        var vocab = model["vocab"] as JsonObject ?? throw Fail(path, "model.vocab is not an object");
        var pieces = new string?[vocabSize];
        var entries = vocab.Select(e => (e.Key, Id: e.Value?.GetValue<int>()))
            .Concat((root["added_tokens"] as JsonArray ?? new JsonArray()).Select(
                t => (Key: Text(t?["content"]) ?? "", Id: t?["id"]?.GetValue<int>())));
        foreach (var (piece, id) in entries)
        {
            if (id is not { } i || i < 0 || i >= vocabSize)
                throw Fail(path, $"piece \"{piece}\" has id {id?.ToString() ?? "null"}, " +
                                 $"outside the model's vocab_size {vocabSize}");
            if (pieces[i] is { } other && other != piece)
                throw Fail(path, $"id {i} is both \"{other}\" and \"{piece}\"");
            pieces[i] = piece;
        }
        if (Array.IndexOf(pieces, null) is var missing and >= 0)
            throw Fail(path, $"no piece with id {missing}: " +
                             $"the vocab has fewer pieces than the model's vocab_size {vocabSize}");
        var expected = HfSpecials.Concat(Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>")).ToArray();
        var bad = Enumerable.Range(0, Math.Min(FirstNormal, vocabSize)).FirstOrDefault(
            i => pieces[i] != expected[i], -1);
        if (vocabSize < FirstNormal || bad >= 0)
            throw Fail(path, $"expected the Llama layout <unk>, <s>, </s>, " +
                             $"<0x00>..<0xFF> as ids 0..258 (id {(bad >= 0 ? bad : vocabSize)} differs)");
        return pieces!;
    }

    private static float[] ReadMergeScores(string path, JsonObject model, string[] pieces)
    {
        var ids = pieces.Select((p, i) => (p, i)).DistinctBy(e => e.p).ToDictionary(
            e => e.p, e => e.i, StringComparer.Ordinal);
        var scores = Enumerable.Repeat(float.NegativeInfinity, pieces.Length).ToArray();
        var merges = model["merges"] as JsonArray ?? throw Fail(path, "model.merges is not an array");
        for (var rank = 0; rank < merges.Count; rank++)
        {
            // Older files write "left right", newer ones ["left", "right"].
            var pair = merges[rank] is JsonArray a ? a.Select(Text).ToArray() : Text(merges[rank])?.Split(' ') ?? [];
            if (pair.Length != 2 || pair.Any(p => p is not { } piece || !ids.ContainsKey(piece)))
                throw Fail(path, $"merge {rank} ({merges[rank]?.ToJsonString()}) is not a pair of vocab pieces");
            if (!ids.TryGetValue(pair[0] + pair[1], out var merged))
                throw Fail(path, $"merge {rank} makes \"{pair[0] + pair[1]}\", which is not in the vocab");
            if (float.IsNegativeInfinity(scores[merged])) scores[merged] = -rank; // its first (lowest) rank
        }
        return scores;
    }

    public static void Write(Llama2cTokenizer tokenizer, string path) =>
        File.WriteAllText(path, ToJson(tokenizer).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // ▁ as itself, as HF writes it
        }) + "\n");

    /// <summary>The tokenizer.json transformers writes for a Llama SentencePiece model (legacy normalizer
    /// layout).</summary>
    public static JsonObject ToJson(Llama2cTokenizer tokenizer)
    {
        if (tokenizer.VocabSize < FirstNormal || tokenizer.Piece(0) != "<unk>")
            throw new LoraLabException("not a llama2.c SentencePiece export: expected <unk>, BOS, " +
                                       "EOS and 256 byte pieces first");
        var pieces = Enumerable.Range(0, tokenizer.VocabSize)
            .Select(id => id < HfSpecials.Length ? HfSpecials[id] : tokenizer.Piece(id).Replace(" ", Metaspace))
                .ToArray();
        var vocab = new JsonObject();
        for (var id = 0; id < pieces.Length; id++) vocab.TryAdd(pieces[id], id);
        return new JsonObject
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null,
            ["added_tokens"] = new JsonArray(HfSpecials.Select((s, id) => (JsonNode)new JsonObject
            {
                ["id"] = id, ["content"] = s, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Prepend", ["prepend"] = Metaspace },
                    new JsonObject
                    {
                        ["type"] = "Replace",
                        ["pattern"] = new JsonObject { ["String"] = " " },
                        ["content"] = Metaspace,
                    }),
            },
            ["pre_tokenizer"] = null,
            ["post_processor"] = PostProcessor(),
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Replace",
                        ["pattern"] = new JsonObject { ["String"] = Metaspace },
                        ["content"] = " ",
                    },
                    new JsonObject { ["type"] = "ByteFallback" }, new JsonObject { ["type"] = "Fuse" },
                    new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = true, ["byte_fallback"] = true, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(Merges(tokenizer, pieces).Select(m => (JsonNode)m).ToArray()),
            },
        };
    }

    // Every split of each merged piece into two normal pieces, pieces by descending score (ties by id), splits by ids.
    private static IEnumerable<string> Merges(Llama2cTokenizer tokenizer, string[] pieces)
    {
        var normal = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = FirstNormal; id < pieces.Length; id++) normal.TryAdd(pieces[id], id);
        var merged = Enumerable.Range(FirstNormal, pieces.Length - FirstNormal)
            .Where(id => float.IsFinite(tokenizer.Score(id)) && pieces[id].EnumerateRunes().Skip(1).Any())
            .OrderByDescending(tokenizer.Score); // stable: equal scores keep id order
        foreach (var id in merged)
        {
            var piece = pieces[id];
            var splits = new List<(int Left, int Right, string Merge)>();
            for (var at = 1; at < piece.Length; at++)
            {
                if (char.IsLowSurrogate(piece[at])) continue; // split only between code points
                if (normal.TryGetValue(piece[..at], out var left) && normal.TryGetValue(piece[at..], out var right))
                    splits.Add((left, right, $"{piece[..at]} {piece[at..]}"));
            }
            foreach (var split in splits.OrderBy(s => s.Left).ThenBy(s => s.Right)) yield return split.Merge;
        }
    }

    private static JsonObject PostProcessor()
    {
        JsonNode Special(int typeId) =>
            new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<s>", ["type_id"] = typeId } };
        JsonNode Sequence(string id, int typeId) =>
            new JsonObject { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
        return new JsonObject
        {
            ["type"] = "TemplateProcessing",
            ["single"] = new JsonArray(Special(0), Sequence("A", 0)),
            ["pair"] = new JsonArray(Special(0), Sequence("A", 0), Special(1), Sequence("B", 1)),
            ["special_tokens"] = new JsonObject
            {
                ["<s>"] = new JsonObject
                {
                    ["id"] = "<s>", ["ids"] = new JsonArray(1), ["tokens"] = new JsonArray("<s>"),
                },
            },
        };
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static LoraLabException Fail(string path, string problem) => new($"{path}: {problem}");
}
