using static TorchSharp.torch;

namespace LoraLab.Models.Generation;

/// <summary>A decoder that can run incrementally: what <see cref="Generator"/> needs for KV-cached decoding.</summary>
public interface ICausalLm
{
    /// <summary>Logits (B, T, vocab) of <paramref name="tokens"/> (B, T) placed after the cache's positions; the
    /// cache grows by T.</summary>
    Tensor Forward(Tensor tokens, KvCache cache);

    /// <summary>A cache sized for this model.</summary>
    KvCache NewCache();

    /// <summary>Longest context (positions) the model accepts.</summary>
    int MaxContext { get; }
}
