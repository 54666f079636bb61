using System.Globalization;
using LoraLab.Models.Generation;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// Greedy decoding of 200 new tokens after BOS with stories260K (what <c>loralab generate</c> runs), with the KV cache
/// and without it (every step re-runs the whole context, the generator before the cache). Reports tokens/s.
/// </summary>
public static class GenerateBenchmark
{
    const int NewTokens = 200;

    public static void Run()
    {
        var model = Llama2cCheckpoint.Load(Path.Combine(StoriesStepBenchmark.RepoRoot(), "data", "stories260K",
                                                        "stories260K.bin"));
        foreach (var cached in new[] { false, true })
        {
            var config = new GenerationConfig { MaxNewTokens = NewTokens, KvCache = cached };
            var run = Harness.Measure($"stories260K generate {NewTokens} tokens, " +
                                      $"kv_cache={cached.ToString().ToLowerInvariant()}",
                () => LoraLab.Models.Generation.Generator.Generate(model, [Llama2cTokenizer.Bos], config,
                    model.Config.MaxSeqLen, new HashSet<int>()),
                trials: 5, minTrialSeconds: 0, warmup: 1);
            Harness.Print(run, string.Create(CultureInfo.InvariantCulture,
                                             $"{NewTokens / (run.MedianMs / 1e3):F0} tokens/s"));
        }
    }
}
