namespace LoraLab.Models.Bert;

/// <summary>One tokenized example: [CLS] a [SEP] (b [SEP]) ids and their segment ids (0 for a, 1 for b).</summary>
public sealed record BertEncoding(int[] InputIds, int[] TokenTypeIds)
{
    public int Length => InputIds.Length;
}
