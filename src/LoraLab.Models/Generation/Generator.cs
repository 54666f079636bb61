using LoraLab.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Models.Generation;

/// <summary>
/// Autoregressive decoding: greedy, or temperature → top-k → top-p sampling with a seed. Models that are an
/// <see cref="ICausalLm"/> decode with a KV cache: the prompt runs once, then each step runs only the new token.
/// Past the model's context the cache is rebuilt from the last max_context tokens every step, which is exactly what
/// the uncached path computes (a sliding window of positions 0..max_context−1), so both give the same tokens.
/// </summary>
public static class Generator
{
    /// <summary>
    /// Generates after <paramref name="prompt"/>; stops early (without emitting it) at any of <paramref
    /// name="stopTokens"/>.
    /// <paramref name="onToken"/> sees each token as soon as it is chosen (streaming).
    /// </summary>
    public static IReadOnlyList<int> Generate(nn.Module<Tensor, Tensor> model, IReadOnlyList<int> prompt,
        GenerationConfig config, int maxContext, IReadOnlySet<int> stopTokens, Action<int>? onToken = null)
    {
        var errors = config.Validate().ToList();
        if (errors.Count > 0)
            throw new LoraLabException($"invalid generation config: {string.Join("; ", errors)}", ExitCodes.Usage);
        if (prompt.Count == 0)
            throw new LoraLabException("generation needs a non-empty prompt (at least BOS)", ExitCodes.Usage);
        var device = model.parameters().First().device;
        // CPU: sampling runs on CPU for the same draws on any device
        var sampler = new torch.Generator((ulong)config.Seed);
        var context = prompt.ToList();
        var generated = new List<int>();
        var wasTraining = model.training;
        model.eval();
        var decoder = config.KvCache ? model as ICausalLm : null;
        using var cache = decoder?.NewCache();
        // Inference mode rather than no_grad: no autograd bookkeeping at all (version counters, view tracking), which
        // is a quarter of the per-op cost of a cached step's ~250 small ops.
        using (inference_mode(true))
        {
            var feed = Window(context, maxContext);
            while (generated.Count < config.MaxNewTokens)
            {
                using var scope = NewDisposeScope();
                var tokens = tensor(feed, [1, feed.Length], device: device); // (1, T)
                // (V,)
                var logits = (decoder is null ? model.forward(tokens) : decoder.Forward(tokens, cache!))[0, -1].cpu();
                var next = Sample(logits, config, sampler);
                if (stopTokens.Contains(next)) break;
                generated.Add(next);
                context.Add(next);
                onToken?.Invoke(next);
                if (cache is null || cache.Length + 1 > maxContext)
                {
                    cache?.Clear();
                    feed = Window(context, maxContext);
                }
                else feed = [next];
            }
        }
        model.train(wasTraining);
        return generated;
    }

    // The last maxContext tokens.
    private static long[] Window(List<int> context, int maxContext) =>
        context.Skip(Math.Max(0, context.Count - maxContext)).Select(t => (long)t).ToArray();

    /// <summary>Picks the next token from last-position logits (V,).</summary>
    internal static int Sample(Tensor logits, GenerationConfig config, torch.Generator sampler)
    {
        if (config.Temperature == 0) return (int)logits.argmax().item<long>();
        var probs = nn.functional.softmax(logits.to(float64) / config.Temperature, 0); // (V,)
        if (config.TopK > 0 && config.TopK < probs.shape[0]) probs = KeepTopK(probs, config.TopK);
        if (config.TopP < 1) probs = KeepTopP(probs / probs.sum(), config.TopP);
        return (int)multinomial(probs, 1, generator: sampler).item<long>();
    }

    // Zeroes all but the k most likely tokens.
    private static Tensor KeepTopK(Tensor probs, int k) // (V,) → (V,)
    {
        var kth = probs.topk(k).values[-1]; // the k-th largest probability
        return probs.masked_fill(probs < kth, 0.0);
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
