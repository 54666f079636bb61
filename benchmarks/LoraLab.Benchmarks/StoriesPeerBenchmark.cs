using System.Globalization;
using LoraLab.Core;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// The stories260K workload of the PyTorch peer (tools/peers/stories.py): the same step as <c>stories-step</c>
/// (LoRA q_proj/v_proj r = 8, α = 16, batch 16 × 256, next-token cross-entropy, AdamW lr 1e-3, β2 0.999, weight
/// decay 0.01). <c>--check</c> prints the first three losses; <c>--export DIR</c> writes the starting state.
/// </summary>
public static class StoriesPeerBenchmark
{
    const int Batch = 16, Tokens = 256;

    public static void Run(string? exportDir, bool check)
    {
        manual_seed(0);
        var root = StoriesStepBenchmark.RepoRoot();
        var model = Llama2cCheckpoint.Load(Path.Combine(root, "data", "stories260K", "stories260K.bin"));
        LoraInjector.Inject(model, new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["q_proj", "v_proj"] });
        var tokens = randint(3, 512, [Batch, Tokens + 1]);                     // (B, T + 1)
        var c = model.Config;
        string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        PeerOutput.Export(exportDir, "stories.safetensors",
            model.state_dict().Select(kv => (kv.Key, kv.Value)).Append(("tokens", tokens)),
            new Dictionary<string, string>
            {
                ["n_heads"] = Text(c.NHeads), ["n_kv_heads"] = Text(c.NKvHeads), ["norm_eps"] = Text(c.NormEps),
                ["rope_theta"] = Text(c.RopeTheta), ["rope_layout"] = c.RopeLayout.ToString(),
            });
        using var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad).ToList(), lr: 1e-3,
            beta2: 0.999, weight_decay: 0.01);
        var input = tokens[.., ..Tokens];
        var target = tokens[.., 1..];
        double Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.call(input);                                     // (B, T, V)
            var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), target.reshape(-1));
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }
        if (check)
        {
            for (var s = 0; s < 3; s++) PeerOutput.Loss("stories-step", s, Step());
            return;
        }
        // Linears (q, k, v, o, gate, up, down, tied head) and attention scores/values, forward; backward ≈ the
        // linears' input gradients + attention twice (frozen weights get no gradient).
        double d = c.Dim, kv = c.NKvHeads * c.HeadDim, hid = c.HiddenDim, tokensPerStep = Batch * (double)Tokens;
        double linears = 2.0 * c.NLayers * (2 * d * d + 2 * d * kv + 3 * d * hid) + 2.0 * d * c.VocabSize;
        double attention = 4.0 * c.NLayers * Tokens / 2.0 * d;                  // causal: half the score matrix
        double gflop = tokensPerStep * (2 * linears + 3 * attention) / 1e9;
        var t = Harness.Measure($"stories260K lora step {Batch}x{Tokens}", () => Step(),
            trials: 5, minTrialSeconds: 0, warmup: 2);
        PeerOutput.Result("stories-step", t, string.Create(CultureInfo.InvariantCulture,
            $"{tokensPerStep / (t.MedianMs / 1e3):F0} tokens/s; {PeerOutput.PeakShare(gflop, t.MedianMs)}"));
    }
}
