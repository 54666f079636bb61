using LoraLab.Models;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training.Data;

/// <summary>Chat templates through a real byte-level BPE tokenizer.json (the tiny Qwen2 fixture: &lt;|im_start|&gt;,
/// &lt;|im_end|&gt; are added tokens, no BOS, EOS = &lt;|im_end|&gt;).</summary>
public sealed class ModelTokenizerTemplateTests
{
    static readonly string Qwen2 = RepoPaths.Fixture(Path.Combine("hf", "qwen2"));

    [Fact]
    public void Chatml_OnQwen2Tokenizer_ExactTextAndAssistantOnlyLoss()
    {
        var model = PretrainedModels.LoadTokenizer(Qwen2, 379);
        var tokenizer = new ModelTextTokenizer(model);
        var (template, _) = ChatTemplateChooser.Choose(ChatTemplateKind.Auto, Qwen2, tokenizer);
        ChatMessage[] chat = [new("user", "hi"), new("assistant", "yo")];

        var segments = ChatFormatter.Segments(template, chat);
        var e = SegmentEncoder.Encode(segments, tokenizer, 64);
        var all = SegmentEncoder.Encode([.. segments, Segment.Plain("#")], tokenizer, 64);

        Assert.Equal(ChatTemplateKind.Chatml, template);
        Assert.Null(tokenizer.BosId);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nyo<|im_end|>\n",
                     model.Decode(all.InputIds));
        Assert.Equal("yo<|im_end|>", model.Decode(e.Targets.Where(t => t != CausalLmExample.IgnoreIndex)));
        Assert.Equal(tokenizer.TokenId("<|im_end|>"), tokenizer.EosId);
    }
}
