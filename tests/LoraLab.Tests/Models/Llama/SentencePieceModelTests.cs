using Microsoft.ML.Tokenizers;
using LoraLab.Models.Llama;

namespace LoraLab.Tests.Models.Llama;

/// <summary>Our tok512 encoder against an independent SentencePiece-BPE implementation
/// (Microsoft.ML.Tokenizers).</summary>
public sealed class SentencePieceModelTests(Stories260K stories) : IClassFixture<Stories260K>
{
    private LlamaTokenizer MlTokenizer()
    {
        using var stream = new MemoryStream(SentencePieceModel.ToBytes(stories.Tokenizer));
        return LlamaTokenizer.Create(stream, addBeginOfSentence: true, addEndOfSentence: false);
    }

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("  two leading spaces,  and   runs of spaces ")]
    [InlineData("Caf\u00e9 \u263A \U0001F600 na\u00efve \u4e2d\u6587")] // code points outside the vocab: byte fallback
    [InlineData("\"Hi!\" said Tom.\nThe end.\n\nNew paragraph.")]
    public void Encode_TrickyText_MatchesMicrosoftMlSentencePiece(string text)
    {
        Assert.Equal(MlTokenizer().EncodeToIds(text), stories.Tokenizer.Encode(text));
    }

    [Fact]
    public void Encode_OverlappingEqualScorePairs_MergesLeftmostLikeSentencePiece()
    {
        // " Booo" → " B" o o o: both (o, o) pairs make "oo" (id 347). google/sentencepiece bpe_model.cc
        // (SymbolPairComparator: equal score → smaller left first) and llama2.c (strict '>') merge the leftmost:
        // [" B", "oo", "o"]. Microsoft.ML.Tokenizers 2.0.1 gives [" B", "o", "oo"] here, so it is no oracle for ties.
        Assert.Equal([368, 347, 414], stories.Tokenizer.Encode("Booo", bos: false));
    }

    [Fact]
    public void Encode_TinyStoriesLines_MatchMicrosoftMlSentencePiece()
    {
        // Given: 300 in-distribution lines (data/SOURCES.md §4, TinyStories validation sample)
        var lines = File.ReadLines(RepoPaths.Data("tinystories/tinystories_val_sample.txt")).Where(
            l => l.Length > 0).Take(300).ToList();
        var ml = MlTokenizer();

        // When
        var mismatches = lines.Where(l => !ml.EncodeToIds(l).SequenceEqual(stories.Tokenizer.Encode(l))).ToList();

        // Then
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {lines.Count} lines differ, first: " +
                                           $"{mismatches.FirstOrDefault()}");
    }

    [Fact]
    public void ToBytes_Tok512_HasLlamaSpecialTokens()
    {
        var ml = MlTokenizer();
        Assert.Equal((1, 2, 0), (ml.BeginningOfSentenceId, ml.EndOfSentenceId, ml.UnknownId));
        Assert.True(ml.ByteFallback);
        Assert.True(ml.AddDummyPrefix);
    }
}
