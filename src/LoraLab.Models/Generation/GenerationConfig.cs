using LoraLab.Core.Config;

namespace LoraLab.Models.Generation;

/// <summary>Decoding settings (llama2.c run.c flags -n, -t, -p, -s).</summary>
public sealed record GenerationConfig : IValidatable
{
    /// <summary>Most tokens to generate after the prompt.</summary>
    public int MaxNewTokens { get; init; } = 200;
    /// <summary>Softmax temperature; 0 is greedy argmax.</summary>
    public double Temperature { get; init; } = 0.0;
    /// <summary>Nucleus sampling mass (Holtzman et al. 2020); 1 samples from the full distribution.</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Seed of the sampler's own generator (the global torch RNG is not touched).</summary>
    public long Seed { get; init; } = 42;

    public IEnumerable<string> Validate()
    {
        if (MaxNewTokens < 0) yield return $"max_new_tokens must be >= 0, got {MaxNewTokens}";
        if (Temperature < 0) yield return $"temperature must be >= 0, got {Temperature}";
        if (TopP is <= 0 or > 1) yield return $"top_p must be in (0, 1], got {TopP}";
    }
}
