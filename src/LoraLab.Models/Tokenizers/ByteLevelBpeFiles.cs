using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO;
using AddedToken = LoraLab.Models.Tokenizers.ByteLevelBpeTokenizer.AddedToken;

namespace LoraLab.Models.Tokenizers;

/// <summary>
/// Reads a byte-level BPE tokenizer from a Hugging Face model folder: <c>tokenizer.json</c> (fast tokenizers:
/// GPT-2, RoBERTa, Llama-3, Qwen2), else GPT-2's slow files <c>vocab.json</c> + <c>merges.txt</c>; special tokens
/// (bos/eos/pad) from <c>tokenizer_config.json</c>, else config.json's <c>bos_token_id</c>/<c>eos_token_id</c>.
/// Pre-tokenizers understood: ByteLevel with its GPT-2 regex, or Sequence[Split(regex, Isolated), ByteLevel without
/// regex]; normalizers: none or NFC. Anything else is a one-line error naming it.
/// </summary>
public static class ByteLevelBpeFiles
{
    public const string TokenizerJson = "tokenizer.json";
    public const string TokenizerConfig = "tokenizer_config.json";

    /// <summary>Whether <paramref name="dir"/> holds a byte-level BPE tokenizer (tokenizer.json of that kind, or
    /// vocab.json + merges.txt).</summary>
    public static bool IsByteLevel(string dir)
    {
        var json = Path.Combine(dir, TokenizerJson);
        if (File.Exists(json))
        {
            var root = Parse(json);
            return root["decoder"]?["type"]?.GetValue<string>() == "ByteLevel"
                   || root["pre_tokenizer"]?.ToJsonString().Contains("\"ByteLevel\"") == true;
        }
        return File.Exists(Path.Combine(dir, "vocab.json")) && File.Exists(Path.Combine(dir, "merges.txt"));
    }

    public static ByteLevelBpeTokenizer Load(string dir)
    {
        var json = Path.Combine(dir, TokenizerJson);
        return File.Exists(json) ? LoadJson(json, dir) : LoadVocabMerges(dir);
    }

    private static ByteLevelBpeTokenizer LoadJson(string path, string dir)
    {
        var root = Parse(path);
        try
        {
            var model = root["model"] as JsonObject ?? throw Fail(path, "no \"model\" object");
            if (Text(model["type"]) is var type && type != "BPE") throw Fail(path, $"model type \"{type}\" is not BPE");
            if (!string.IsNullOrEmpty(Text(model["continuing_subword_prefix"]))
                || !string.IsNullOrEmpty(Text(model["end_of_word_suffix"])))
                throw Fail(path, "BPE with continuing_subword_prefix / end_of_word_suffix is not byte-level BPE");
            if (model["byte_fallback"]?.GetValue<bool>() == true)
                throw Fail(path, "BPE with byte_fallback is not byte-level BPE");
            var vocab = (model["vocab"] as JsonObject ?? throw Fail(path, "model.vocab is not an object"))
                .ToDictionary(e => e.Key, e => e.Value!.GetValue<int>(), StringComparer.Ordinal);
            var merges = (model["merges"] as JsonArray ?? throw Fail(path, "model.merges is not an array"))
                .Select((m, rank) => ParseMerge(m, rank, path)).ToList();
            var added = (root["added_tokens"] as JsonArray ?? []).Select(t => new AddedToken(
                Text(t?["content"]) ?? throw Fail(path, "an added token has no content"), t!["id"]!.GetValue<int>(),
                t["special"]?.GetValue<bool>() ?? false, t["lstrip"]?.GetValue<bool>() ?? false,
                t["rstrip"]?.GetValue<bool>() ?? false)).ToList();
            var (pattern, addPrefixSpace) = PreTokenizer(root["pre_tokenizer"], path);
            var nfc = Normalizer(root["normalizer"], path);
            var ignoreMerges = model["ignore_merges"]?.GetValue<bool>() ?? false;
            var templateBos = TemplateBos(root["post_processor"]);
            var specials = Specials.Read(dir, vocab, added);
            return new ByteLevelBpeTokenizer(vocab, merges, pattern, added, nfc, addPrefixSpace, ignoreMerges,
                specials.Bos ?? templateBos, specials.Eos, specials.Pad, templateBos is not null || specials.AddBos);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException
                                      or ArgumentException)
        {
            throw Fail(path, $"unexpected JSON value ({e.Message.Split('\n')[0]})");
        }
    }

    // GPT2Tokenizer's slow files: vocab.json {token: id}, merges.txt "#version" line then "left right" per line.
    private static ByteLevelBpeTokenizer LoadVocabMerges(string dir)
    {
        var vocabPath = Path.Combine(dir, "vocab.json");
        var mergesPath = Path.Combine(dir, "merges.txt");
        if (!File.Exists(vocabPath) || !File.Exists(mergesPath))
            throw new LoraLabException($"{dir}: no {TokenizerJson}, and no vocab.json + merges.txt",
                                       ExitCodes.BadInput);
        var vocab = (Parse(vocabPath) as JsonObject ?? throw Fail(vocabPath, "not a JSON object"))
            .ToDictionary(e => e.Key, e => e.Value?.GetValue<int>() ?? throw Fail(vocabPath, $"\"{e.Key}\" has no id"),
                          StringComparer.Ordinal);
        var merges = File.ReadLines(mergesPath).Where(l => !l.StartsWith("#version") && l.Trim().Length > 0)
            .Select((l, rank) => ParseMerge(JsonValue.Create(l), rank, mergesPath)).ToList();
        var config = ReadOptional(Path.Combine(dir, TokenizerConfig));
        var added = (config?["added_tokens_decoder"] as JsonObject ?? [])
            .Select(e => new AddedToken(Text(e.Value?["content"]) ?? "", int.Parse(e.Key),
                e.Value?["special"]?.GetValue<bool>() ?? false, e.Value?["lstrip"]?.GetValue<bool>() ?? false,
                e.Value?["rstrip"]?.GetValue<bool>() ?? false)).ToList();
        var specials = Specials.Read(dir, vocab, added);
        var addPrefixSpace = config?["add_prefix_space"]?.GetValue<bool>() ?? false;
        return new ByteLevelBpeTokenizer(vocab, merges, ByteLevelBpeTokenizer.Gpt2Pattern, added, nfc: false,
            addPrefixSpace, ignoreMerges: false, specials.Bos, specials.Eos, specials.Pad, specials.AddBos);
    }

    private static (string Left, string Right) ParseMerge(JsonNode? merge, int rank, string path)
    {
        // Older files write "left right", newer ones ["left", "right"].
        var pair = merge is JsonArray a ? a.Select(Text).ToArray() : Text(merge)?.Split(' ') ?? [];
        if (pair.Length != 2 || pair.Any(string.IsNullOrEmpty))
            throw Fail(path, $"merge {rank} ({merge?.ToJsonString()}) is not a pair");
        return (pair[0]!, pair[1]!);
    }

    private static (string Pattern, bool AddPrefixSpace) PreTokenizer(JsonNode? node, string path)
    {
        switch (Text(node?["type"]))
        {
            case "ByteLevel" when node!["use_regex"]?.GetValue<bool>() ?? true:
                return (ByteLevelBpeTokenizer.Gpt2Pattern, node["add_prefix_space"]?.GetValue<bool>() ?? false);
            case "Sequence" when node!["pretokenizers"] is JsonArray { Count: 2 } steps
                                 && Text(steps[0]?["type"]) == "Split" && Text(steps[1]?["type"]) == "ByteLevel"
                                 && steps[1]!["use_regex"]?.GetValue<bool>() == false:
                var split = steps[0]!;
                if (Text(split["behavior"]) != "Isolated" || split["invert"]?.GetValue<bool>() == true)
                    throw Fail(path, $"Split pre-tokenizer with behavior {Text(split["behavior"])} / invert is " +
                                     "not supported");
                var pattern = Text(split["pattern"]?["Regex"])
                              ?? (Text(split["pattern"]?["String"]) is { } literal
                                  ? System.Text.RegularExpressions.Regex.Escape(literal) : null)
                              ?? throw Fail(path, "Split pre-tokenizer without a pattern");
                return (pattern, steps[1]!["add_prefix_space"]?.GetValue<bool>() ?? false);
            default:
                throw Fail(path, $"pre_tokenizer {node?.ToJsonString() ?? "null"} is not supported " +
                                 "(expected ByteLevel, or Sequence[Split(regex), ByteLevel(use_regex false)])");
        }
    }

    private static bool Normalizer(JsonNode? node, string path) => Text(node?["type"]) switch
    {
        null => false,
        "NFC" => true,
        var other => throw Fail(path, $"normalizer {other} is not supported (only none or NFC)"),
    };

    // TemplateProcessing whose single-sequence template starts with a special token (Llama-3's <|begin_of_text|>).
    private static int? TemplateBos(JsonNode? node)
    {
        if (Text(node?["type"]) == "Sequence" && node!["processors"] is JsonArray list)
            return list.Select(TemplateBos).FirstOrDefault(id => id is not null);
        if (Text(node?["type"]) != "TemplateProcessing" || node!["single"] is not JsonArray { Count: > 0 } single)
            return null;
        var first = Text(single[0]?["SpecialToken"]?["id"]);
        return first is null ? null : node["special_tokens"]?[first]?["ids"]?[0]?.GetValue<int>();
    }

    internal static JsonNode Parse(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path)) ?? throw Fail(path, "empty JSON"); }
        catch (JsonException e)
        {
            throw new LoraLabException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", ExitCodes.BadInput, e);
        }
    }

    internal static JsonObject? ReadOptional(string path) => File.Exists(path) ? Parse(path) as JsonObject : null;

    internal static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static LoraLabException Fail(string path, string problem) => new($"{path}: {problem}", ExitCodes.BadInput);
}
