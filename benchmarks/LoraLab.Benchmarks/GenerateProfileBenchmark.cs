using System.Diagnostics;
using System.Globalization;
using LoraLab.Models.Generation;
using LoraLab.Models.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// Where a KV-cached decoding step of stories260K spends its time (issue 18's profile, docs/performance.md): the
/// tensors one step creates, the cached and uncached 200-token generations, and each operator class of a step timed
/// alone on its real shapes (one token, cache at position 100), × its calls per token. <c>--seconds N</c> instead
/// only decodes with the cache for N seconds (a steady loop for <c>perf record</c>).
/// </summary>
public static class GenerateProfileBenchmark
{
    const int NewTokens = 200;

    public static void Run(int seconds)
    {
        var model = Llama2cCheckpoint.Load(Path.Combine(StoriesStepBenchmark.RepoRoot(), "data", "stories260K",
            "stories260K.bin"));
        var c = model.Config;
        IReadOnlyList<int> Generate(bool cache) => LoraLab.Models.Generation.Generator.Generate(model,
            [Llama2cTokenizer.Bos], new GenerationConfig { Temperature = 0, MaxNewTokens = NewTokens, KvCache = cache },
            c.MaxSeqLen, new HashSet<int>());
        if (seconds > 0)
        {
            var sw = Stopwatch.StartNew();
            var runs = 0;
            while (sw.Elapsed.TotalSeconds < seconds) { Generate(true); runs++; }
            Console.WriteLine($"{runs} cached generations of {NewTokens} tokens in {sw.Elapsed.TotalSeconds:F1} s");
            return;
        }
        model.eval();
        using var inference = inference_mode(true);
        // Tensors one cached step creates (every operator result, view or not, is one).
        using var cache = model.NewCache();
        model.Forward(tensor(new long[] { Llama2cTokenizer.Bos }, [1, 1]), cache).Dispose();
        int created;
        using (var scope = NewDisposeScope())
        {
            _ = model.Forward(tensor(new long[] { 42 }, [1, 1]), cache)[0, -1].cpu().argmax().item<long>();
            created = scope.DisposablesCount;
        }
        Console.WriteLine($"tensors made by one cached step (token tensor, forward, [0, -1], cpu, argmax): {created}");

        foreach (var cached in new[] { false, true })
        {
            var t = Harness.Measure($"generate {NewTokens}, kv_cache={cached.ToString().ToLowerInvariant()}",
                () => Generate(cached), trials: 5, minTrialSeconds: 0, warmup: 1);
            Harness.Print(t, string.Create(CultureInfo.InvariantCulture,
                $"{t.MedianMs * 1e3 / NewTokens:F1} µs/token"));
        }

        // One token's operator classes on their shapes, each timed alone (µs per call incl. its dispose scope).
        var x = randn(1, 1, c.Dim);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var norm = (nn.Module<Tensor, Tensor>)modules["model.layers.0.input_layernorm"];
        nn.Module<Tensor, Tensor> Linear(string name) => (nn.Module<Tensor, Tensor>)modules[$"model.layers.0.{name}"];
        var (o, down) = (Linear("self_attn.o_proj"), Linear("mlp.down_proj"));
        Tensor Stacked(params string[] names) => cat(names
            .Select(n => ((TorchSharp.Modules.Linear)modules[$"model.layers.0.{n}"]).weight!).ToArray());
        var qkvWeight = Stacked("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj");
        var gateUpWeight = Stacked("mlp.gate_proj", "mlp.up_proj");
        var hidden = randn(1, 1, c.HiddenDim);
        var (hd, nh, nkv) = (c.HeadDim, c.NHeads, c.NKvHeads);
        using var rope = new LlamaModel.RotaryEmbedding(c);
        var qkHeads = randn(1, nh + nkv, 1, hd);
        var (qHeads, kHeads) = (qkHeads.narrow(1, 0, nh), qkHeads.narrow(1, nh, nkv));
        var (pastK, pastV) = (randn(1, nkv, 101, hd), randn(1, nkv, 101, hd));
        var embed = (nn.Module<Tensor, Tensor>)modules["model.embed_tokens"];
        var embedWeight = model.named_parameters().Single(p => p.name == "model.embed_tokens.weight").parameter;
        using var appendCache = new KvCache(2, c.MaxSeqLen); // layer 1 (the last) moves Length; layer 0 rewrites 100
        appendCache.Append(0, pastK.narrow(2, 0, 100), pastV.narrow(2, 0, 100));
        appendCache.Append(1, pastK.narrow(2, 0, 100), pastV.narrow(2, 0, 100));
        var token = new long[] { 42 };
        var logits = randn(1, 1, c.VocabSize);
        var layers = c.NLayers;
        var rows = new (string Class, int PerToken, Action Op)[]
        {
            ("token tensor (1, 1)", 1, () => tensor(token, [1, 1])),
            ("embedding lookup", 1, () => embed.forward(tensor(token, [1, 1]))),
            ("RoPE rows (2 narrows)", 1, () => rope.At(100, 1, float32, CPU)),
            ("RMSNorm (6 operators)", 2 * layers + 1, () => norm.forward(x)),
            ("projection 64 → 128 (q, k, v fused)", layers, () => nn.functional.linear(x, qkvWeight)),
            ("projection 64 → 64 (o)", layers, () => o.forward(x)),
            ("projection 64 → 344 (gate, up fused)", layers, () => nn.functional.linear(x, gateUpWeight)),
            ("projection 172 → 64 (down)", layers, () => down.forward(hidden)),
            ("classifier 64 → 512 (tied)", 1, () => nn.functional.linear(x, embedWeight)),
            ("RoPE rotation of q and k heads (4 operators)", layers,
                () => LlamaModel.RotaryEmbedding.Apply(qkHeads, rope.At(100, 1, float32, CPU), c.RopeLayout)),
            ("cache append of k and v (6 operators)", layers, () => appendCache.Append(0, kHeads, kHeads)),
            ("grouped attention over 101 positions", layers,
                () => nn.functional.scaled_dot_product_attention(qHeads.reshape(1, nkv, nh / nkv, hd), pastK, pastV)),
            ("view / narrow / reshape", 9 * layers, () => x.view(1, nkv, 1, 2 * hd)),
            ("elementwise (2 residual +, silu, ×)", 4 * layers, () => x.add(x)),
            ("logits[0, -1].cpu().argmax().item()", 1, () => logits[0, -1].cpu().argmax().item<long>()),
        };
        Console.WriteLine($"{"operator class (one token, cache at 100)",-44} {"CPU µs/call",11} {"calls",6} " +
                          $"{"µs/token",9}");
        var total = 0.0;
        foreach (var (name, perToken, op) in rows)
        {
            var us = MicrosPerCall(op);
            total += us * perToken;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-44} {us,11:F2} {perToken,6} {us * perToken,9:F1}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"sum of the classes",-44} {"",11} {"",6} {total,9:F1}"));
    }

    // Process CPU time (the figure that holds on a shared machine; run with --threads 1), median of 7 trials of 2,000
    // calls, each call in its own dispose scope (as a step frees its tensors).
    static double MicrosPerCall(Action op)
    {
        const int calls = 2000;
        var trials = new List<double>();
        for (var t = 0; t < 8; t++)
        {
            var cpu0 = Environment.CpuUsage.TotalTime;
            for (var i = 0; i < calls; i++)
            {
                using var scope = NewDisposeScope();
                op();
            }
            var cpu = Environment.CpuUsage.TotalTime - cpu0;
            if (t > 0) trials.Add(cpu.TotalMicroseconds / calls); // the first trial warms up
        }
        trials.Sort();
        return trials[trials.Count / 2];
    }
}
