using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training.Data;

/// <summary>Exact template strings and exactly which positions carry loss (character tokenizer: one token per char).
/// </summary>
public sealed class PromptTemplateTests
{
    static readonly CharTokenizer Tok =
        new("<|im_start|>", "<|im_end|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");

    /// <summary>The whole encoded sequence as text and the text of its trained tokens (targets that are not ignored).
    /// Inputs drop the last id, so the full text is read from the encoding with one extra character appended.</summary>
    static (string All, string Trained) Render(IReadOnlyList<Segment> segments)
    {
        var e = SegmentEncoder.Encode(segments, Tok, 10_000);
        for (var j = 0; j < e.Length - 1; j++)
            if (e.Targets[j] != CausalLmExample.IgnoreIndex) Assert.Equal(e.InputIds[j + 1], e.Targets[j]);   // shifted
        var all = SegmentEncoder.Encode([.. segments, Segment.Plain("#")], Tok, 10_000);
        return (Tok.Decode(all.InputIds), Tok.Decode(e.Targets.Where(t => t != CausalLmExample.IgnoreIndex)));
    }

    static readonly ChatMessage[] Conversation =
    [
        new("system", "Be kind."), new("user", " Hi there "), new("assistant", " Hello! "),
        new("user", "Bye"), new("assistant", "See you"),
    ];

    [Fact]
    public void Alpaca_ExactPromptWithInput_LossOnResponseAndEosOnly()
    {
        var record = new InstructionRecord("Add the numbers.", "2 3", "5");

        var e = SegmentEncoder.Encode(InstructionFormatter.Segments(record), Tok, 10_000);
        var prompt = InstructionFormatter.Prompt(record);

        Assert.Equal(
            "Below is an instruction that describes a task, paired with an input that provides further context. " +
            "Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nAdd the numbers.\n\n### Input:\n2 3\n\n### Response:", prompt);
        // ids: [BOS] prompt(P chars) '5' [EOS]; inputs drop the last id; only positions P and P+1 carry loss.
        var p = prompt.Length;
        Assert.Equal(p + 2, e.Length);
        Assert.Equal(Enumerable.Range(0, p + 2).Select(j => j switch
        {
            _ when j == p => '5' + 10,
            _ when j == p + 1 => CharTokenizer.Eos,
            _ => CausalLmExample.IgnoreIndex,
        }), e.Targets);
    }

    [Fact]
    public void Alpaca_NoInput_UsesTheShortPrompt()
    {
        Assert.Equal(
            "Below is an instruction that describes a task. " +
            "Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nSay hi.\n\n### Response:",
            InstructionFormatter.Prompt(new InstructionRecord("Say hi.", "", "hi")));
    }

    [Fact]
    public void Chatml_ExactString_AssistantContentAndImEndTrained()
    {
        var (all, trained) = Render(ChatFormatter.Segments(ChatTemplateKind.Chatml, Conversation));

        Assert.Equal(
            "<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\n Hi there <|im_end|>\n" +
            "<|im_start|>assistant\n Hello! <|im_end|>\n<|im_start|>user\nBye<|im_end|>\n" +
            "<|im_start|>assistant\nSee you<|im_end|>\n", all);
        Assert.Equal(" Hello! <|im_end|>See you<|im_end|>", trained);
    }

    [Fact]
    public void Llama3_ExactString_ContentTrimmed_EotTrained()
    {
        var (all, trained) = Render(ChatFormatter.Segments(ChatTemplateKind.Llama3, Conversation));

        Assert.Equal(
            "<s><|start_header_id|>system<|end_header_id|>\n\nBe kind.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\nSee you<|eot_id|>", all);
        Assert.Equal("Hello!<|eot_id|>See you<|eot_id|>", trained);
    }

    [Fact]
    public void Llama2_ExactString_SystemInFirstTurn_AnswerAndEosTrained()
    {
        var (all, trained) = Render(ChatFormatter.Segments(ChatTemplateKind.Llama2, Conversation));

        Assert.Equal(
            "<s>[INST] <<SYS>>\nBe kind.\n<</SYS>>\n\n Hi there [/INST] Hello! </s>" +
            "<s>[INST] Bye [/INST] See you </s>", all);
        Assert.Equal(" Hello! </s> See you </s>", trained);
    }

    [Fact]
    public void Plain_ExactString_AssistantLinesAndFinalEosTrained()
    {
        var (all, trained) = Render(ChatFormatter.Segments(ChatTemplateKind.Plain, Conversation));

        Assert.Equal("<s>System: Be kind.\nUser:  Hi there \nAssistant:  Hello! \nUser: Bye\nAssistant: See you\n</s>",
                     all);
        Assert.Equal(" Hello! \nSee you\n</s>", trained);
    }

    [Fact]
    public void Encode_Truncation_KeepsMaskAligned_AndCanLeaveNoLoss()
    {
        var segments = ChatFormatter.Segments(ChatTemplateKind.Plain, [new("user", "Hi"), new("assistant", "Yo")]);

        var cut = SegmentEncoder.Encode(segments, Tok, 18);    // "<s>User: Hi\nAssistant: " is 21 tokens
        var partial = SegmentEncoder.Encode(segments, Tok, 21);

        Assert.Equal(18, cut.Length);
        Assert.Equal(0, cut.LossTokens);
        Assert.Equal(1, partial.LossTokens);                    // only the 'Y' fits
        Assert.Equal('Y' + 10, partial.Targets[^1]);
    }

    [Fact]
    public void Encode_MissingSpecialToken_IsAUsageError()
    {
        var ex = Assert.Throws<LoraLabException>(() =>
            SegmentEncoder.Encode(ChatFormatter.Segments(ChatTemplateKind.Chatml, Conversation), new CharTokenizer(),
                                  100));

        Assert.Contains("needs the token '<|im_start|>'", ex.Message);
    }

    [Theory]
    [InlineData("[{\"role\":\"user\",\"content\":\"x\"}]", "plain", "no assistant message")]
    [InlineData("[{\"role\":\"tool\",\"content\":\"x\"}]", "plain",
                "messages[0] has role 'tool' (expected system, user or assistant)")]
    [InlineData("[{\"role\":\"user\"}]", "plain", "messages[0] has no string 'content'")]
    [InlineData("[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"system\",\"content\":\"s\"}]", "plain",
                "messages[1]: a system message may only come first")]
    [InlineData("[{\"role\":\"assistant\",\"content\":\"x\"}]", "llama2",
                "llama2 needs turns alternating user/assistant, starting with user")]
    [InlineData("\"hello\"", "plain", "'messages' is not a list of messages")]
    public void ParseMessages_BadRecords_Reason(string messages, string template, string reason)
    {
        var fields = JsonNode.Parse($"{{\"messages\": {messages}}}")!.AsObject();
        var kind = template == "llama2" ? ChatTemplateKind.Llama2 : ChatTemplateKind.Plain;

        Assert.False(ChatFormatter.TryParse(fields, "messages", kind, out _, out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void Chooser_FromTokenizerConfigJinja_ModelType_Tokens_OrPlain()
    {
        using var dir = new TempDirectory();
        var plainTok = new CharTokenizer();
        Assert.Equal(ChatTemplateKind.Plain,
                     ChatTemplateChooser.Choose(ChatTemplateKind.Auto, dir.Path, plainTok).Template);

        File.WriteAllText(dir.File("config.json"), "{\"model_type\": \"qwen2\"}");
        Assert.Equal((ChatTemplateKind.Chatml, "config.json model_type qwen2"),
                     ChatTemplateChooser.Choose(ChatTemplateKind.Auto, dir.Path, plainTok));

        File.WriteAllText(dir.File("tokenizer_config.json"),
            "{\"chat_template\": \"{{ bos_token }}{% for m in messages %}[INST] {{ m['content'] }} [/INST]" +
            "{% endfor %}\"}");
        Assert.Equal((ChatTemplateKind.Llama2, "tokenizer_config.json's chat_template uses [INST]"),
                     ChatTemplateChooser.Choose(ChatTemplateKind.Auto, dir.Path, plainTok));

        Assert.Equal((ChatTemplateKind.Llama3, "the tokenizer has the token <|start_header_id|>"),
                     ChatTemplateChooser.Choose(ChatTemplateKind.Auto, null, new CharTokenizer("<|start_header_id|>")));
        Assert.Equal(ChatTemplateKind.Chatml, ChatTemplateChooser.Choose(ChatTemplateKind.Auto, null, Tok).Template);
        Assert.Equal(ChatTemplateKind.Plain,
                     ChatTemplateChooser.Choose(ChatTemplateKind.Plain, dir.Path, Tok).Template);
    }
}
