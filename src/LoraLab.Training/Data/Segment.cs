namespace LoraLab.Training.Data;

/// <summary>What a <see cref="Segment"/> holds: text to encode, one named vocabulary token, or BOS / EOS.</summary>
internal enum SegmentKind { Text, Token, Bos, Eos }

/// <summary>
/// A piece of a formatted training sequence (a prompt, a response, a chat header, a special token) and whether its
/// tokens are predicted with a loss (<paramref name="Trained"/>). Prompt templates produce segments;
/// <see cref="SegmentEncoder"/> turns them into a <see cref="CausalLmExample"/>.
/// </summary>
internal sealed record Segment(SegmentKind Kind, string Text, bool Trained)
{
    public static Segment Plain(string text, bool trained = false) => new(SegmentKind.Text, text, trained);
    public static Segment Special(string token, bool trained = false) => new(SegmentKind.Token, token, trained);
    public static Segment Bos { get; } = new(SegmentKind.Bos, "", false);
    public static Segment Eos(bool trained) => new(SegmentKind.Eos, "", trained);
}
