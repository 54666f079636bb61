using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.Models.Bert;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace LoraLab.Tests.Models.Bert;

/// <summary>
/// MiniLM's uncased WordPiece tokenizer against Hugging Face's own (Rust tokenizers via Tokenizers.DotNet, test-only)
/// built from the same vocab.txt with the BertNormalizer/BertPreTokenizer/WordPiece that transformers'
/// BertTokenizerFast uses (clean_text, handle_chinese_chars, lowercase, strip_accents following lowercase):
/// accents are stripped as NFD + dropping nonspacing marks in every script, not only Latin.
/// </summary>
public sealed class BertTokenizerHfTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    public static TheoryData<string> Texts => new(
        "The quick brown fox jumps over the lazy dog.", "Café RÉSUMÉ naïve déjà-vu",
        "cafe\u0301 e\u0301te\u0301", "Ελληνικά: άλφα, ΐ, ώ", "Привет, Йошкар-Ола, ёлка", "Tiếng Việt có dấu",
        "Ångström İstanbul ǅemal", "مَرْحَبًا بِالْعَالَم", "שָׁלוֹם עוֹלָם", "नमस्ते दुनिया", "ภาษาไทย",
        "한국어 텍스트", "日本語のテキスト 中文", "Emoji 🙂👍🏽 and symbols ©®™ ½ ﬁ",
        "tabs\tand\nnewlines  and  spaces", "Ａｂｃ full-width", "ctrl\u0007char null\0here soft\u00adhyphen",
        "a_b-c+d=e $5.00 100% <tag> [x] {y} ~z` \"quoted\" «guillemets» — dash… ellipsis",
        new string('a', 101) + " " + new string('b', 100));

    [Theory]
    [MemberData(nameof(Texts))]
    public void Encode_MatchesHuggingFaceBertTokenizer(string text)
    {
        var hf = new HfTokenizer(vocabPath: Uncased.Value);
        var expected = hf.Encode(text).Select(i => (int)i).ToArray();
        Assert.Equal([101, .. expected, 102], fixture.Tokenizer.Encode(text).InputIds);
    }

    [Fact]
    public void FromFolder_DoLowerCaseFalse_KeepsCaseAndAccentsAsHuggingFace()
    {
        // A cased model's folder (tokenizer_config.json: do_lower_case false) against BertNormalizer(lowercase=false).
        using var dir = new TempDirectory();
        File.Copy(fixture.Pretrained.VocabPath, dir.File("vocab.txt"));
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 512}");
        var ours = BertTextTokenizer.FromFolder(dir.Path);
        var hf = new HfTokenizer(vocabPath: WriteTokenizerJson(lowercase: false));
        foreach (var text in new[] { "Café RÉSUMÉ", "The Quick Brown fox", "İstanbul Ångström e\u0301", "ABC abc" })
            Assert.Equal([101, .. hf.Encode(text).Select(i => (int)i), 102], ours.Encode(text).InputIds);
        Assert.NotEqual(ours.Encode("Café").InputIds, fixture.Tokenizer.Encode("Café").InputIds);
    }

    [Fact]
    public void FromFolder_BadDoLowerCase_IsOneLineError()
    {
        using var dir = new TempDirectory();
        File.Copy(fixture.Pretrained.VocabPath, dir.File("vocab.txt"));
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        var e = Assert.Throws<LoraLabException>(() => BertTextTokenizer.FromFolder(dir.Path));
        Assert.Equal($"{dir.File("tokenizer_config.json")}: \"do_lower_case\" is \"yes\", expected true, false or null",
                     e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    private static readonly Lazy<string> Uncased = new(() => WriteTokenizerJson(lowercase: true));

    // transformers' BertTokenizerFast pipeline for this vocab (strip_accents null: follows lowercase).
    private static string WriteTokenizerJson(bool lowercase)
    {
        var vocab = new JsonObject();
        var lines = File.ReadAllLines(new MiniLmFixture().Pretrained.VocabPath);
        for (var i = 0; i < lines.Length; i++) vocab[lines[i]] = i;
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null, ["added_tokens"] = new JsonArray(),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true,
                ["strip_accents"] = null, ["lowercase"] = lowercase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = null, ["decoder"] = null,
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100, ["vocab"] = vocab,
            },
        };
        var path = Path.Combine(Directory.CreateTempSubdirectory("loralab-bert-hf-").FullName, "tokenizer.json");
        File.WriteAllText(path, tokenizer.ToJsonString());
        return path;
    }
}
