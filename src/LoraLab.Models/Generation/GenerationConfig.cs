using LoraLab.IO.Config;

namespace LoraLab.Models.Generation;

/// <summary>Decoding settings (llama2.c run.c flags -n, -t, -p, -s; HF generate's max_new_tokens, top_k).</summary>
public sealed record GenerationConfig : IValidatable
{
    /// <summary>Most tokens to generate after the prompt.</summary>
    public int MaxNewTokens { get; init; } = 200;
    /// <summary>Softmax temperature; 0 is greedy argmax.</summary>
    public double Temperature { get; init; } = 0.0;
    /// <summary>Nucleus sampling mass (Holtzman et al. 2020); 1 samples from the full distribution.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Sample among the k most likely tokens only (Fan et al. 2018); 0 keeps all.</summary>
    public int TopK { get; init; }
    /// <summary>Seed of the sampler's own generator (the global torch RNG is not touched).</summary>
    public long Seed { get; init; } = 42;
    /// <summary>Reuse keys/values of earlier positions (KV cache); false recomputes the whole context per
    /// token.</summary>
    public bool KvCache { get; init; } = true;

    public IEnumerable<string> Validate()
    {
        if (MaxNewTokens < 0) yield return $"max_new_tokens must be >= 0, got {MaxNewTokens}";
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            yield return $"temperature must be >= 0, got {Temperature}";
        if (!(TopP is > 0 and <= 1)) yield return $"top_p must be in (0, 1], got {TopP}";
        if (TopK < 0) yield return $"top_k must be >= 0, got {TopK}";
    }
}
