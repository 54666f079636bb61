using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>
/// One padded batch for a BERT forward (the multi-argument input as one record, as ML.NET GenAI does).
/// <see cref="InputIds"/> (batch, seq) int64; <see cref="AttentionMask"/> (batch, seq) int64, 1 = token, 0 = padding;
/// <see cref="TokenTypeIds"/> (batch, seq) int64 segment ids, or null for all zeros.
/// </summary>
public sealed record BertInput(Tensor InputIds, Tensor AttentionMask, Tensor? TokenTypeIds = null);
