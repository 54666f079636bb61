using System.IO.Compression;
using System.Text;
using LoraLab.Models.Tokenizers;
using LoraLab.Tests.Support;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace LoraLab.Tests.Models.Hf;

/// <summary>
/// NFC without ICU (UnicodeNfc, tables from the UCD by tools/make_nfc_data.py) against Unicode's own conformance
/// file (Fixtures/unicode/NormalizationTest.txt.gz, 15.0.0, unchanged) and, through Qwen2's NFC tokenizer, against
/// Hugging Face tokenizers' normalizer (Rust, via Tokenizers.DotNet).
/// </summary>
public sealed class UnicodeNfcTests
{
    [Fact]
    public void NormalizeAndDecompose_PassUnicodeNormalizationTest()
    {
        // NormalizationTest.txt: c1;c2;c3;c4;c5 with NFC(c1) = NFC(c2) = NFC(c3) = c2, NFC(c4) = NFC(c5) = c4,
        // NFD(c1) = NFD(c2) = NFD(c3) = c3, NFD(c4) = NFD(c5) = c5; every code point not listed in Part 1 is its own
        // NFC and NFD.
        var (lines, failures, listed) = (0, new List<string>(), new HashSet<int>());
        var part = "";
        foreach (var line in ReadConformanceFile())
        {
            if (line.StartsWith('@')) { part = line.Split(' ')[0]; continue; }
            if (line.Length == 0 || line[0] == '#') continue;
            var c = line.Split(';')[..5].Select(Chars).ToArray();
            if (part == "@Part1") listed.Add(char.ConvertToUtf32(c[0], 0));
            foreach (var (source, expected) in new[] { (0, 1), (1, 1), (2, 1), (3, 3), (4, 3) })
                if (UnicodeNfc.Normalize(c[source]) != c[expected]) failures.Add(line);
            foreach (var (source, expected) in new[] { (0, 2), (1, 2), (2, 2), (3, 4), (4, 4) }) // NFD
                if (UnicodeNfc.Decompose(c[source]) != c[expected]) failures.Add("NFD " + line);
            lines++;
        }
        Assert.Equal(19_074, lines);
        Assert.Empty(failures.Distinct().Take(5));
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || listed.Contains(cp)) continue;
            var single = char.ConvertFromUtf32(cp);
            Assert.True(UnicodeNfc.Normalize(single) == single, $"U+{cp:X4} is its own NFC");
            Assert.True(UnicodeNfc.Decompose(single) == single, $"U+{cp:X4} is its own NFD");
        }
    }

    [Fact]
    public void Normalize_TextBelowU0300_IsTheSameInstance()
    {
        const string text = "Café naïve ÀÉÎÕÜ ß, plain ASCII";
        Assert.Same(text, UnicodeNfc.Normalize(text));
    }

    [Fact]
    public void Normalize_InvariantGlobalizationStringNormalize_IsIdentity()
    {
        // Why UnicodeNfc exists: with InvariantGlobalization (Directory.Build.props) .NET leaves this unchanged.
        Assert.Equal("e\u0301", "e\u0301".Normalize(NormalizationForm.FormC));
        Assert.Equal("\u00e9", UnicodeNfc.Normalize("e\u0301"));
    }

    [Fact]
    public void Qwen2Tokenizer_DecomposedText_MatchesHuggingFaceTokenizers()
    {
        var dir = new HfFixture("qwen2").Dir;
        var hf = new HfTokenizer(vocabPath: Path.Combine(dir, "tokenizer.json"));
        var ours = ByteLevelBpeFiles.Load(dir);
        string[] texts =
        [
            "cafe\u0301 nai\u0308ve", "Tie\u0302\u0301ng Vie\u0323\u0302t", "\u1100\u1161\u11A8 \u1112\u1161\u11AB",
            "\u0391\u0301\u03B9\u0308\u0301 \u0418\u0306 \u0435\u0308",
            "A\u030A \u212B \u2126 q\u0307\u0323 \u1E0B\u0323",
            "\u0915\u093C \u09C7\u09BE \u0F71\u0F72 x\u0301\u0316\u0300", "\u0340\u0341 \u0344 \u1E9B\u0323 \uFB2C",
        ];
        foreach (var text in texts)
            Assert.Equal(hf.Encode(text).Select(i => (int)i), ours.Encode(text));
    }

    private static string Chars(string hex) =>
        string.Concat(hex.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => char.ConvertFromUtf32(Convert.ToInt32(h, 16))));

    private static IEnumerable<string> ReadConformanceFile()
    {
        using var gzip = new GZipStream(File.OpenRead(RepoPaths.Fixture("unicode/NormalizationTest.txt.gz")),
            CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        while (reader.ReadLine() is { } line) yield return line;
    }
}
