using LoraLab.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Models.Generation;

/// <summary>
/// Autoregressive decoding for any model mapping token ids (B, T) to logits (B, T, V): greedy, temperature, top-p.
/// No KV cache: each step re-runs the whole (cropped) context. That keeps every model a plain
/// Module&lt;Tensor, Tensor&gt; that LoRA injection can rewrite, and costs little at our sizes (stories260K: 200 tokens
/// well under a second on 2 cores).
/// </summary>
public static class Generator
{
    /// <summary>Generates after <paramref name="prompt"/>; stops early (without emitting it) at any of <paramref name="stopTokens"/>.</summary>
    public static IReadOnlyList<int> Generate(nn.Module<Tensor, Tensor> model, IReadOnlyList<int> prompt,
        GenerationConfig config, int maxContext, IReadOnlySet<int> stopTokens)
    {
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"invalid generation config: {string.Join("; ", errors)}");
        if (prompt.Count == 0) throw new LoraLabException("generation needs a non-empty prompt (at least BOS)");
        var device = model.parameters().First().device;
        var sampler = new torch.Generator((ulong)config.Seed); // CPU: sampling runs on CPU for the same draws on any device
        var context = prompt.ToList();
        var generated = new List<int>();
        var wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            while (generated.Count < config.MaxNewTokens)
            {
                using var scope = NewDisposeScope();
                var window = context.Skip(Math.Max(0, context.Count - maxContext)).Select(t => (long)t).ToArray();
                var logits = model.forward(tensor(window, device: device).unsqueeze(0))[0, -1].cpu(); // (V,)
                var next = Sample(logits, config, sampler);
                if (stopTokens.Contains(next)) break;
                generated.Add(next);
                context.Add(next);
            }
        }
        model.train(wasTraining);
        return generated;
    }

    /// <summary>Picks the next token from last-position logits (V,).</summary>
    internal static int Sample(Tensor logits, GenerationConfig config, torch.Generator sampler)
    {
        if (config.Temperature == 0) return (int)logits.argmax().item<long>();
        var probs = nn.functional.softmax(logits.to(float64) / config.Temperature, 0); // (V,)
        if (config.TopP < 1) probs = KeepTopP(probs, config.TopP);
        return (int)multinomial(probs, 1, generator: sampler).item<long>();
    }

    // Keeps the smallest set of most likely tokens whose mass reaches p (always at least the top one).
    private static Tensor KeepTopP(Tensor probs, double p) // (V,) → (V,), unnormalised is fine for multinomial
    {
        var (sorted, order) = probs.sort(descending: true); // (V,), (V,)
        var massBefore = sorted.cumsum(0) - sorted; // (V,) mass of strictly more likely tokens
        var keptSorted = sorted.masked_fill(massBefore >= p, 0.0);
        return zeros_like(probs).scatter(0, order, keptSorted);
    }
}
