using System.Globalization;
using LoraLab.Models.Generation;
using LoraLab.Models.Llama;

namespace LoraLab.Benchmarks;

/// <summary>
/// Greedy generation with stories260K as <c>loralab generate</c> runs it (<see cref="Generator.Generate"/> after the
/// prompt "Once upon a time"), 200 new tokens, without and with its KV cache (<c>GenerationConfig.KvCache</c>), as the
/// peer (tools/peers/generate.py) does. <c>--check</c> prints the generated ids, which must equal the peer's;
/// <c>--export DIR</c> writes the weights and the prompt.
/// </summary>
public static class GeneratePeerBenchmark
{
    public const int NewTokens = 200;

    public static void Run(string? exportDir, bool check)
    {
        var root = StoriesStepBenchmark.RepoRoot();
        var model = Llama2cCheckpoint.Load(Path.Combine(root, "data", "stories260K", "stories260K.bin"));
        var tokenizer = HfLlama.LoadTokenizer(Path.Combine(root, "data", "stories260K", "tok512.bin"),
            model.Config.VocabSize);
        var prompt = tokenizer.Encode("Once upon a time");
        var c = model.Config;
        string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        PeerOutput.Export(exportDir, "generate.safetensors",
            model.state_dict().Select(kv => (kv.Key, kv.Value))
                .Append(("prompt", TorchSharp.torch.tensor(prompt.Select(i => (long)i).ToArray()))),
            new Dictionary<string, string>
            {
                ["n_heads"] = Text(c.NHeads), ["n_kv_heads"] = Text(c.NKvHeads), ["norm_eps"] = Text(c.NormEps),
                ["rope_theta"] = Text(c.RopeTheta), ["rope_layout"] = c.RopeLayout.ToString(),
            });
        // No stop token: every run generates exactly NewTokens (stories260K would otherwise end a story early).
        IReadOnlyList<int> Generate(bool cache) => Generator.Generate(model, prompt,
            new GenerationConfig { Temperature = 0, MaxNewTokens = NewTokens, KvCache = cache },
            model.Config.MaxSeqLen, new HashSet<int>());
        foreach (var (cache, workload) in new[] { (false, "generate"), (true, "generate-cache") })
        {
            if (check)
            {
                var ids = string.Join(",", Generate(cache));
                Console.WriteLine($"TOKENS {workload} {string.Join(",", prompt)} -> {ids}");
                continue;
            }
            var count = 0;
            var t = Harness.Measure($"{workload} stories260K greedy {NewTokens} new tokens",
                () => count = Generate(cache).Count, trials: 3, minTrialSeconds: 0, warmup: 0);
            PeerOutput.Result(workload, t, string.Create(CultureInfo.InvariantCulture,
                $"{count / (t.MedianMs / 1e3):F0} tokens/s ({count} tokens)"));
        }
    }
}
