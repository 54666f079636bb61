using System.Text.Json.Nodes;

namespace LoraLab.Training.Data;

/// <summary>One Alpaca-style record: an instruction, an optional input and the wanted output.</summary>
internal sealed record InstructionRecord(string Instruction, string Input, string Output);

/// <summary>
/// Alpaca's prompt (tatsu-lab/stanford_alpaca, train.py PROMPT_DICT, verbatim) with the output and EOS as the only
/// trained tokens: [BOS] prompt | output [EOS]. The prompt ends at "### Response:" and the output follows it, as in
/// Alpaca's <c>source + target</c> (here encoded as two segments).
/// </summary>
internal static class InstructionFormatter
{
    public const string PromptInput =
        "Below is an instruction that describes a task, paired with an input that provides further context. " +
        "Write a response that appropriately completes the request.\n\n" +
        "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:";

    public const string PromptNoInput =
        "Below is an instruction that describes a task. " +
        "Write a response that appropriately completes the request.\n\n" +
        "### Instruction:\n{instruction}\n\n### Response:";

    /// <summary>The prompt text of <paramref name="record"/> (the no-input form when its input is empty).</summary>
    public static string Prompt(InstructionRecord record) => record.Input.Length == 0
        ? PromptNoInput.Replace("{instruction}", record.Instruction)
        : PromptInput.Replace("{instruction}", record.Instruction).Replace("{input}", record.Input);

    public static IReadOnlyList<Segment> Segments(InstructionRecord record) =>
    [
        Segment.Bos, Segment.Plain(Prompt(record)),
        Segment.Plain(record.Output, trained: true), Segment.Eos(trained: true),
    ];

    /// <summary>instruction (non-blank string), input (optional string), output (non-blank string).</summary>
    internal static bool TryParse(JsonObject fields, out InstructionRecord record, out string reason)
    {
        record = new InstructionRecord("", "", "");
        if (!RecordFields.TryText(fields, "instruction", out var instruction, out reason)) return false;
        if (!RecordFields.TryOptionalText(fields, "input", out var input, out reason)) return false;
        if (!RecordFields.TryText(fields, "output", out var output, out reason)) return false;
        record = new InstructionRecord(instruction, input, output);
        return true;
    }
}
