using System.Text;
using LoraLab.IO;
using LoraLab.Models.Llama;

namespace LoraLab.Tests.Models.Llama;

public sealed class Llama2cTokenizerTests(Stories260K stories) : IClassFixture<Stories260K>
{
    private readonly Llama2cTokenizer _tok = stories.Tokenizer;

    [Fact]
    public void Encode_OnceUponATime_MatchesLlama2c()
    {
        // SOURCES.md §1b: pieces "\n<s>\n", " Once", " upon", " a", " time"
        Assert.Equal([1, 403, 407, 261, 378], _tok.Encode("Once upon a time"));
    }

    [Fact]
    public void Encode_EmptyText_IsBosOnly()
    {
        Assert.Equal([1], _tok.Encode(""));
        Assert.Empty(_tok.Encode("", bos: false));
    }

    [Fact]
    public void Encode_CodePointOutsideVocab_FallsBackToUtf8Bytes()
    {
        var ids = _tok.Encode("\u263A", bos: false); // ☺ = E2 98 BA
        Assert.Equal([410, 0xE2 + 3, 0x98 + 3, 0xBA + 3], ids); // dummy-prefix " " then byte pieces
    }

    [Theory]
    [InlineData("Once upon a time, there was a little girl named Lily.")]
    [InlineData("Tom's cat said \"hi!\"\nThe end. \u263A caf\u00e9")]
    public void Decode_AfterEncode_GivesTheText(string text)
    {
        var ids = _tok.Encode(text);
        Assert.Equal(text, _tok.Decode(ids.Skip(1))); // the piece after BOS loses the dummy-prefix space
    }

    [Fact]
    public void DecodeBytes_BytePiece_IsOneRawByte()
    {
        Assert.Equal(new byte[] { 0xE2 }, _tok.DecodeBytes(previous: 100, token: 0xE2 + 3));
        Assert.Equal(Encoding.UTF8.GetBytes(" Once"), _tok.DecodeBytes(previous: 100, token: 403));
        Assert.Equal(Encoding.UTF8.GetBytes("Once"), _tok.DecodeBytes(previous: Llama2cTokenizer.Bos, token: 403));
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsOneLineError()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, File.ReadAllBytes(Stories260K.TokenizerPath)[..1000]);
            var ex = Assert.Throws<LoraLabException>(() => Llama2cTokenizer.Load(path, 512));
            Assert.Contains(path, ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
        finally { File.Delete(path); }
    }
}
