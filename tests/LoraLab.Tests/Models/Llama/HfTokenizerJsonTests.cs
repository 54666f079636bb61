using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.Models.Llama;
using Microsoft.ML.Tokenizers;

namespace LoraLab.Tests.Models.Llama;

public sealed class HfTokenizerJsonTests(Stories260K stories) : IClassFixture<Stories260K>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loralab-tokjson-").FullName;
    private string JsonPath => Path.Combine(_dir, HfTokenizerJson.FileName);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static readonly string[] Tricky =
    [
        "", " ", "  ", "   leading spaces", "trailing spaces   ", "a\tb\nc\r\n", "Tom's cat said \"hi!\"",
        "caf\u00e9 na\u00efve \u263A \U0001F600 \u4E2D\u6587", "<s> </s> <unk> <0x41>", "\u2581already\u2581metaspace",
        "Once upon a time, there was a little girl named Lily.", "aaaaaaaaaaaaaaaa", "1234567890 !@#$%^&*()",
    ];

    private static IEnumerable<string> Corpus() =>
        File.ReadLines(RepoPaths.Data("tinystories/tinystories_val_sample.txt")).Where(l => l.Length > 0).Take(
            300).Concat(Tricky);

    [Fact]
    public void WriteThenLoad_Tok512_EncodesAndDecodesIdentically()
    {
        // Given
        HfTokenizerJson.Write(stories.Tokenizer, JsonPath);

        // When
        var loaded = HfTokenizerJson.Load(JsonPath, 512);

        // Then
        var lines = Corpus().ToList();
        Assert.True(lines.Count >= 300);
        foreach (var line in lines)
        {
            var ids = stories.Tokenizer.Encode(line);
            Assert.Equal(ids, loaded.Encode(line));
            Assert.Equal(stories.Tokenizer.DecodeBytes(ids.Skip(1)), loaded.DecodeBytes(ids.Skip(1)));
        }
        for (var id = 0; id < 512; id++) Assert.Equal(stories.Tokenizer.DecodeBytes(5, id), loaded.DecodeBytes(5, id));
    }

    [Fact]
    public void ToJson_Tok512_HasLlamaLayoutAndOneMergeListPerPiece()
    {
        var json = HfTokenizerJson.ToJson(stories.Tokenizer);
        var model = json["model"]!.AsObject();
        Assert.Equal(512, model["vocab"]!.AsObject().Count);
        Assert.Equal(1, (int)model["vocab"]!["<s>"]!);
        Assert.Equal(261, (int)model["vocab"]!["\u2581a"]!);
        var merges = model["merges"]!.AsArray().Select(m => (string)m!).ToList();
        Assert.Equal("\u2581 t", merges[0]); // tok512's first piece " t" (score 0)
        Assert.Equal(merges.Count, merges.Distinct().Count());
    }

    // Independent check: Microsoft.ML.Tokenizers' BPE (a port of HF tokenizers' BPE) with the written vocab and merges,
    // on lines whose characters are all in the vocab (it has no byte fallback), after the Llama normalizer by hand.
    [Fact]
    public void WrittenMerges_InMicrosoftMlBpe_GiveTheSameIds()
    {
        var model = HfTokenizerJson.ToJson(stories.Tokenizer)["model"]!;
        var bpe = BpeTokenizer.Create(new BpeOptions(
            model["vocab"]!.AsObject().Select(e => KeyValuePair.Create(e.Key, (int)e.Value!)))
        {
            Merges = model["merges"]!.AsArray().Select(m => (string)m!),
            UnknownToken = "<unk>",
            // the normalized text has no whitespace left: one word, as HF with no pre_tokenizer
            PreTokenizer = PreTokenizer.CreateWhiteSpace(),
        });
        var checkedLines = 0;
        foreach (var line in Corpus().Where(
            l => l.Length > 0 && stories.Tokenizer.Encode(l, bos: false).All(id => id >= 259)))
        {
            var normalized = "\u2581" + line.Replace(" ", "\u2581");
            Assert.Equal(stories.Tokenizer.Encode(line, bos: false), bpe.EncodeToIds(normalized));
            checkedLines++;
        }
        Assert.True(checkedLines >= 200, $"only {checkedLines} lines checked");
    }

    // The layout newer transformers write: Metaspace pre-tokenizer instead of the normalizer, merges as pairs.
    [Fact]
    public void Load_MetaspaceAndPairMerges_EncodesAsTheLegacyLayout()
    {
        var json = HfTokenizerJson.ToJson(stories.Tokenizer);
        json["normalizer"] = null;
        json["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "\u2581",
                                                ["prepend_scheme"] = "first", ["split"] = false };
        var merges = json["model"]!["merges"]!.AsArray().Select(
            m => (JsonNode)new JsonArray(((string)m!).Split(' ').Select(p => (JsonNode)p).ToArray())).ToArray();
        json["model"]!["merges"] = new JsonArray(merges);
        File.WriteAllText(JsonPath, json.ToJsonString());

        var loaded = HfTokenizerJson.Load(JsonPath, 512);

        foreach (var line in Tricky) Assert.Equal(stories.Tokenizer.Encode(line), loaded.Encode(line));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{}}}""", "\"WordPiece\"")]
    [InlineData("""{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{},"merges":[]}}""",
                "ByteLevel")]
    [InlineData("""{"model":{"type":"BPE","byte_fallback":"yes"}}""", "unexpected JSON value")]
    public void Load_UnsupportedOrMalformed_ThrowsOneLineErrorNamingTheFile(string content, string expected)
    {
        File.WriteAllText(JsonPath, content);
        var error = Assert.Throws<LoraLabException>(() => HfTokenizerJson.Load(JsonPath, 512));
        Assert.Contains(JsonPath, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_MergeOutsideVocab_ThrowsOneLineError()
    {
        var json = HfTokenizerJson.ToJson(stories.Tokenizer);
        json["model"]!["merges"]!.AsArray().Add("\u2581t zzz");
        File.WriteAllText(JsonPath, json.ToJsonString());
        var error = Assert.Throws<LoraLabException>(() => HfTokenizerJson.Load(JsonPath, 512));
        Assert.Contains("is not a pair of vocab pieces", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_VocabSmallerThanModel_ThrowsOneLineError()
    {
        HfTokenizerJson.Write(stories.Tokenizer, JsonPath);
        var error = Assert.Throws<LoraLabException>(() => HfTokenizerJson.Load(JsonPath, 600));
        Assert.Contains("no piece with id 512", error.Message);
    }

    [Fact]
    public void LoadTokenizer_FolderWithoutBin_ReadsTokenizerJson()
    {
        HfTokenizerJson.Write(stories.Tokenizer, JsonPath);
        Assert.Equal([1, 403, 407, 261, 378], HfLlama.LoadTokenizer(_dir, 512).Encode("Once upon a time"));
        File.Delete(JsonPath);
        Assert.Contains("no tokenizer", Assert.Throws<LoraLabException>(
            () => HfLlama.LoadTokenizer(_dir, 512)).Message);
    }
}
