using LoraLab.Models.Bert;

namespace LoraLab.Tests.Models.Bert;

public sealed class BertTextTokenizerTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void Encode_QuickBrownFox_MatchesHuggingFaceIds()
    {
        var e = fixture.Tokenizer.Encode("The quick brown fox jumps over the lazy dog.");
        Assert.Equal([101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102], e.InputIds);
        Assert.All(e.TokenTypeIds, id => Assert.Equal(0, id));
    }

    [Fact]
    public void Encode_Accents_LowercasedAndStripped()
    {
        // uncased BERT: "Café RÉSUMÉ" → "cafe resume" (vocab.txt lines 7669 and 13747, 0-based ids below)
        Assert.Equal([101, 7668, 13746, 102], fixture.Tokenizer.Encode("Café RÉSUMÉ").InputIds);
    }

    [Fact]
    public void Encode_Pair_SegmentIdsMarkSecondSentence()
    {
        var e = fixture.Tokenizer.Encode("the dog", "a fox");
        // [CLS] the dog [SEP] a fox [SEP]
        Assert.Equal([101, 1996, 3899, 102, 1037, 4419, 102], e.InputIds);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], e.TokenTypeIds);
    }

    [Fact]
    public void Encode_PairOverMaxLength_TruncatesLongerSideFirst()
    {
        var e = fixture.Tokenizer.Encode("one two three four five six", "seven", maxLength: 7);
        // budget 4: drop from the first (longer) side until 3 + 1 fit.
        Assert.Equal(7, e.Length);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1], e.TokenTypeIds);
    }

    [Fact]
    public void Encode_SingleOverMaxLength_KeepsClsAndSep()
    {
        var e = fixture.Tokenizer.Encode("one two three four five six", maxLength: 4);
        Assert.Equal(4, e.Length);
        Assert.Equal(101, e.InputIds[0]);
        Assert.Equal(102, e.InputIds[^1]);
    }
}
