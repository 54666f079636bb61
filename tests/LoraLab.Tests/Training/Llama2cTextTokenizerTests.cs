using LoraLab.Models.Llama;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training;

public sealed class Llama2cTextTokenizerTests
{
    static readonly Llama2cTokenizer Tok512 = Llama2cTokenizer.Load(RepoPaths.Data("stories260K/tok512.bin"), 512);

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData(" = Valkyria Chronicles III = ")]
    [InlineData("a  b   c\n d\tx  ")]
    [InlineData("   ")]
    [InlineData("héllo wörld 😀 @-@ 1 @,@ 000")]
    public void Encode_WordByWord_EqualsWholeText(string text)
    {
        Assert.Equal(Tok512.Encode(text, bos: false), new Llama2cTextTokenizer(Tok512).Encode(text));
    }

    [Theory]
    [InlineData("wikitext-2/test.txt")]
    [InlineData("tinyshakespeare/input.txt")]
    public void Encode_RealDocuments_EqualsWholeText(string file)
    {
        var docs = TextCorpus.Documents(TextCorpus.ReadText(RepoPaths.Data(file))).Take(40);
        var wordByWord = new Llama2cTextTokenizer(Tok512);

        foreach (var doc in docs) Assert.Equal(Tok512.Encode(doc, bos: false), wordByWord.Encode(doc));
    }

    [Fact]
    public void Words_CutBeforeSpacesAfterNonSpace()
    {
        Assert.Equal(["a", " b", "c  "], Llama2cTextTokenizer.Words("a  b c  "));
    }
}
