namespace LoraLab.Training.Data;

/// <summary>
/// Text (or a text pair) → encoder input for classification, special tokens included and truncated to
/// <c>maxLength</c> (BERT: [CLS] a [SEP] b [SEP] with segment ids).
/// </summary>
internal interface IPairTokenizer
{
    TokenizedPair Encode(string text, string? pair, int maxLength);

    /// <summary>The id used to pad a batch on the right.</summary>
    int PadId { get; }
}

/// <summary>Ids and segment ids (0 for the first text, 1 for the second) of one example.</summary>
internal sealed record TokenizedPair(int[] InputIds, int[] TokenTypeIds)
{
    public int Length => InputIds.Length;
}
