using LoraLab.IO;
using LoraLab.Models;
using LoraLab.Models.Tokenizers;
using LoraLab.Tests.Support;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace LoraLab.Tests.Models.Hf;

/// <summary>
/// Byte-level BPE against Hugging Face's own tokenizers library (Rust, via Tokenizers.DotNet, test-only) on the
/// fixtures' tokenizer.json files, and against transformers' GPT-2 tokenizer test on the shared tiny-gpt2 folder.
/// </summary>
public sealed class ByteLevelBpeTokenizerTests
{
    private static readonly string[] Texts =
    [
        "Once upon a time there was a little girl named Lily.",
        "The lower newer widest rivers don't flow; they're lazy!",
        "I'M SURE we'll see 2024 and 1234567 again.\n\nNew  lines\tand tabs  ", "Café naïve — déjà vu. 日本語 🙂",
        "  leading spaces, trailing spaces   ", "x\r\ny\r\n\r\nz", "under_score __init__ a+b=c $5.00 100%",
        "He said: \"It's   fine...\" 'quoted' DON'T We'Ll", "¿Qué? Ünïcödé ÀÉÎÕÜ ß ǅ", "🙂🙂 👍🏽 (emoji)",
        "<|endoftext|>Hello<|im_start|>user\nHi<|im_end|> <|eot_id|>x",
    ];

    public static TheoryData<string> Archs => new(HfFixture.Archs);

    [Theory]
    [MemberData(nameof(Archs))]
    public void Encode_MatchesHuggingFaceTokenizers(string arch)
    {
        var dir = new HfFixture(arch).Dir;
        var ours = ByteLevelBpeFiles.Load(dir);
        var hf = new HfTokenizer(vocabPath: Path.Combine(dir, "tokenizer.json"));
        foreach (var text in Texts)
        {
            var expected = hf.Encode(text).Select(i => (int)i).ToArray();
            // its post-processor
            if (ours.AddsBos && expected.Length > 0 && expected[0] == ours.BosId) expected = expected[1..];
            Assert.Equal(expected, ours.Encode(text));
            // Tokenizers.DotNet decodes with skip_special_tokens; ours writes them, as transformers does
            if (!text.Contains("<|"))
                Assert.Equal(hf.Decode(expected.Select(i => (uint)i).ToArray()), ours.Decode(expected));
        }
    }

    [Fact]
    public void Gpt2VocabAndMerges_MatchTransformersTokenizerTest()
    {
        // transformers tests/models/gpt2/test_tokenization_gpt2.py: "lower newer" with add_prefix_space →
        // ["\u0120low", "er", "\u0120", "n", "e", "w", "er"] → [14, 15, 10, 9, 3, 2, 15]; the folder is that test's
        // vocab.
        var tokenizer = ByteLevelBpeFiles.Load(RepoPaths.Data("tiny-gpt2-random-fixture"));
        Assert.Equal([14, 15, 10, 9, 3, 2, 15], tokenizer.Encode(" lower newer"));
        Assert.Equal(20, tokenizer.EosId);
        Assert.Equal(" lower newer", tokenizer.Decode([14, 15, 10, 9, 3, 2, 15]));
    }

    [Fact]
    public void Load_UnsupportedPreTokenizer_IsOneLineError()
    {
        var dir = Directory.CreateTempSubdirectory("loralab-bpe-").FullName;
        try
        {
            var json = File.ReadAllText(Path.Combine(new HfFixture("gpt2").Dir, "tokenizer.json"))
                .Replace("\"pre_tokenizer\":", "\"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"_old\":");
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json);
            var e = Assert.Throws<LoraLabException>(() => ByteLevelBpeFiles.Load(dir));
            Assert.Contains("Whitespace", e.Message);
            Assert.DoesNotContain("\n", e.Message);
            Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        }
        finally { Directory.Delete(dir, true); }
    }
}
