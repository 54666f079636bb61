using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// Encodes <see cref="Segment"/>s into one causal-LM example with the loss on the trained segments only: each text
/// segment is encoded on its own (so a loss boundary is always a token boundary, as torchtune tokenizes message by
/// message), named tokens are placed by id, BOS/EOS come from the tokenizer (left out where it has none).
/// inputs = ids[..n], targets[j] = ids[j+1] where token j+1 is trained, else ignored; n = min(len − 1, maxLength).
/// </summary>
internal static class SegmentEncoder
{
    public static CausalLmExample Encode(IReadOnlyList<Segment> segments, ITextTokenizer tokenizer, int maxLength)
    {
        var ids = new List<int>();
        var trained = new List<bool>();
        foreach (var s in segments)
        {
            IEnumerable<int> piece = s.Kind switch
            {
                SegmentKind.Text => s.Text.Length == 0 ? [] : tokenizer.Encode(s.Text),
                SegmentKind.Token => [tokenizer.TokenId(s.Text) ?? throw new LoraLabException(
                    $"the prompt template needs the token '{s.Text}', which the tokenizer does not have " +
                    "(choose another template with --chat-template / data.chat_template)", ExitCodes.Usage)],
                SegmentKind.Bos => tokenizer.BosId is { } b ? [b] : [],
                SegmentKind.Eos => tokenizer.EosId is { } e ? [e] : [],
            };
            foreach (var id in piece)
            {
                ids.Add(id);
                trained.Add(s.Trained);
            }
        }
        var n = Math.Max(0, Math.Min(ids.Count - 1, maxLength));
        var inputs = ids.Take(n).ToArray();
        var targets = new int[n];
        for (var j = 0; j < n; j++)
            targets[j] = trained[j + 1] ? ids[j + 1] : CausalLmExample.IgnoreIndex;
        return new CausalLmExample(inputs, targets);
    }
}
