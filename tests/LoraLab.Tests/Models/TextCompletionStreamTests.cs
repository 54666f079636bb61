using System.Text;
using LoraLab.Models;
using LoraLab.Models.Generation;
using LoraLab.Tests.Models.Hf;
using LoraLab.Tests.Models.Llama;

namespace LoraLab.Tests.Models;

/// <summary>
/// `generate` streams: TextCompletion writes the prompt, then each token's text as soon as it is whole UTF-8, and
/// flushes after each write, rather than printing once at the end.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TextCompletionStreamTests
{
    [Fact]
    public void Stream_Stories260K_WritesAndFlushesAsTokensArrive()
    {
        var lm = PretrainedModels.LoadCausalLm(Stories260K.CheckpointPath, Stories260K.TokenizerPath);
        var writer = new RecordingWriter();

        var ids = TextCompletion.Stream(lm, "Once upon a time", new GenerationConfig { MaxNewTokens = 24 }, writer);

        Assert.Equal(24, ids.Count);
        Assert.Equal("Once upon a time", writer.Flushed[0]);
        Assert.True(writer.Flushed.Count >= 12, $"{writer.Flushed.Count} flushed pieces for 24 tokens");
        var whole = lm.Tokenizer.Decode(lm.Tokenizer.Encode("Once upon a time").Concat(ids).ToList());
        Assert.Equal(whole + Environment.NewLine, writer.Text);
    }

    [Fact]
    public void Stream_ByteLevelTokens_PiecesAddUpToTheDecodedText()
    {
        // The GPT-2 fixture's random model emits raw byte tokens that often end inside a UTF-8 character: pieces are
        // held back until whole, and what was streamed is exactly the decoding of all ids at once.
        var lm = PretrainedModels.LoadCausalLm(new HfFixture("gpt2").Dir);
        var writer = new RecordingWriter();
        var config = new GenerationConfig { MaxNewTokens = 40, Temperature = 1.0, Seed = 3 };

        var ids = TextCompletion.Stream(lm, "Café", config, writer);

        Assert.NotEmpty(ids);
        Assert.True(writer.Flushed.Count > 2, $"{writer.Flushed.Count} flushed pieces");
        Assert.Equal(lm.Tokenizer.Decode(lm.Tokenizer.Encode("Café").Concat(ids).ToList()) + Environment.NewLine,
                     writer.Text);
    }

    /// <summary>Collects what was written between flushes.</summary>
    private sealed class RecordingWriter : TextWriter
    {
        private readonly StringBuilder _all = new(), _pending = new();
        public List<string> Flushed { get; } = [];
        public string Text => _all.ToString();
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) { _all.Append(value); _pending.Append(value); }
        public override void Write(string? value) { _all.Append(value); _pending.Append(value); }
        public override void Flush()
        {
            if (_pending.Length > 0) Flushed.Add(_pending.ToString());
            _pending.Clear();
        }
    }
}
