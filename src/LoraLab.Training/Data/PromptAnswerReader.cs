using System.Text.Json;

namespace LoraLab.Training.Data;

/// <summary>
/// JSONL prompt/answer pairs (GSM8K: one <c>{"question": str, "answer": str}</c> per line, data/SOURCES.md §5) turned
/// into causal-LM examples with the loss on the answer tokens only: inputs = [BOS] prompt answer, targets = the next
/// token where it belongs to the answer (or is the closing EOS), <see cref="CausalLmExample.IgnoreIndex"/> elsewhere.
/// Prompt template: "Question: {question}\nAnswer:", answer " {answer}".
/// </summary>
internal static class PromptAnswerReader
{
    public static (List<(string Prompt, string Answer, int Line)> Pairs, DatasetLoadReport Report) Read(
        string path, BadRowPolicy policy, string role = "", double maxBadFraction = 1.0,
        string promptKey = "question", string answerKey = "answer")
    {
        var text = TextCorpus.ReadText(path);
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var bad = new BadRowLog(path, policy, maxBadFraction);
        var pairs = new List<(string, string, int)>();
        for (var i = 0; i < count; i++)
        {
            if (Parse(lines[i], promptKey, answerKey, out var prompt, out var answer, out var reason))
                pairs.Add(($"Question: {prompt}\nAnswer:", $" {answer}", i + 1));
            else
                bad.Add(i + 1, reason);
        }
        bad.ThrowIfNeeded(count);
        var report = new DatasetLoadReport
        {
            Source = path, Role = role, RowsRead = count, RowsKept = pairs.Count, BadRowCount = bad.Count,
            FirstBadRows = bad.First, Examples = pairs.Count,
        };
        return (pairs, report);
    }

    /// <summary>[BOS] prompt answer [EOS], truncated to <paramref name="maxLength"/> inputs; loss on answer and EOS
    /// only.</summary>
    public static CausalLmExample Encode(string prompt, string answer, ITextTokenizer tokenizer, int maxLength)
    {
        var promptIds = new List<int>();
        if (tokenizer.BosId is { } bos) promptIds.Add(bos);
        promptIds.AddRange(tokenizer.Encode(prompt));
        var answerIds = new List<int>(tokenizer.Encode(answer));
        if (tokenizer.EosId is { } eos) answerIds.Add(eos);
        var all = promptIds.Concat(answerIds).ToArray();
        var n = Math.Min(all.Length - 1, maxLength);
        var inputs = all[..n];
        var targets = new int[n];
        for (var j = 0; j < n; j++)
            // predict answer tokens only
            targets[j] = j + 1 >= promptIds.Count ? all[j + 1] : CausalLmExample.IgnoreIndex;
        return new CausalLmExample(inputs, targets);
    }

    static bool Parse(string line, string promptKey, string answerKey, out string prompt, out string answer,
                      out string reason)
    {
        (prompt, answer, reason) = ("", "", "");
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { reason = "not a JSON object"; return false; }
            if (!TryString(doc.RootElement, promptKey, out prompt))
            {
                reason = $"missing string '{promptKey}'";
                return false;
            }
            if (!TryString(doc.RootElement, answerKey, out answer))
            {
                reason = $"missing string '{answerKey}'";
                return false;
            }
            return true;
        }
        catch (JsonException ex)
        {
            reason = $"malformed JSON ({ex.Message.Split(" Path:")[0].Trim()})";
            return false;
        }
    }

    static bool TryString(JsonElement obj, string key, out string value)
    {
        value = "";
        if (!obj.TryGetProperty(key, out var e) || e.ValueKind != JsonValueKind.String) return false;
        value = e.GetString()!;
        return true;
    }
}
