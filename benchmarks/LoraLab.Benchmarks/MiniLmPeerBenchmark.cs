using System.Globalization;
using LoraLab.Core;
using LoraLab.Models.Bert;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// The MiniLM workload of the PyTorch peer (tools/peers/minilm.py): all-MiniLM-L6-v2 + LoRA(query, value; r = 8,
/// α = 16, Init[A]) + a 2-way head on mean pooling, HF dropout 0.1/0.1, batch 32 × 64, cross-entropy, AdamW
/// (lr 1e-4, weight decay 0.01) on the LoRA factors and the head (as <c>finetune</c>); also the no-grad eval
/// forward of the same model, and the step's sections (forward, backward, AdamW). <c>--check</c> turns dropout off
/// and prints the first three losses at lr 1e-3; <c>--export DIR</c> writes the starting state (weights, LoRA factors,
/// head, batch) that the peer loads.
/// </summary>
public static class MiniLmPeerBenchmark
{
    const int Batch = 32, Tokens = 64;

    public static void Run(string? exportDir, bool check)
    {
        var pretrained = MiniLm.Load();
        manual_seed(0);
        var dropout = check ? 0.0 : 0.1;
        var config = pretrained.Model.Config with { HiddenDropout = dropout, AttentionDropout = dropout };
        var model = new BertModel(config);
        model.load_state_dict(pretrained.Model.state_dict());
        pretrained.Model.Dispose();
        using var classifier = new BertClassifier(model, numLabels: 2, BertPooling.Mean);
        LoraInjector.Inject(classifier, new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] });
        foreach (var (name, p) in classifier.named_parameters())
            if (name.StartsWith("classifier.", StringComparison.Ordinal)) p.requires_grad = true; // finetune trains it
        var ids = randint(1000, 30000, [Batch, Tokens]);                        // (B, T)
        ids[.., 0] = 101;                                                       // [CLS]
        var labels = randint(0, 2, [Batch]);                                    // (B)
        PeerOutput.Export(exportDir, "minilm.safetensors",
            classifier.state_dict().Select(kv => (kv.Key, kv.Value))
                .Append(("input_ids", ids)).Append(("labels", labels)),
            new Dictionary<string, string>
            {
                ["num_heads"] = config.NumHeads.ToString(CultureInfo.InvariantCulture),
                ["layer_norm_eps"] = config.LayerNormEps.ToString("R", CultureInfo.InvariantCulture),
            });
        var trainable = classifier.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(trainable, lr: check ? 1e-3 : 1e-4, weight_decay: 0.01);
        var batch = new BertInput(ids, ones_like(ids), zeros_like(ids));
        classifier.train();
        double Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(classifier.call(batch), labels);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }
        if (check)
        {
            for (var s = 0; s < 3; s++) PeerOutput.Loss("minilm-step", s, Step());
            return;
        }
        var (h, inter, layers) = (config.HiddenSize, config.IntermediateSize, config.NumLayers);
        double perToken = 2.0 * (4.0 * h * h + 2.0 * h * inter);                // the linears' flop per token and layer
        double forward = layers * (double)Batch * Tokens * (perToken + 4.0 * Tokens * h) / 1e9;
        double step = forward + layers * (double)Batch * Tokens * (perToken + 8.0 * Tokens * h) / 1e9;
        var t = Harness.Measure("minilm lora step 32x64 mean dropout 0.1/0.1", () => Step(),
            trials: 3, minTrialSeconds: 0, warmup: 1);
        PeerOutput.Result("minilm-step", t, PeerOutput.PeakShare(step, t.MedianMs));
        Profile(() => classifier.call(batch), labels, optimizer);
        classifier.eval();
        var f = Harness.Measure("minilm forward 32x64 mean (eval, no grad)", () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            classifier.call(batch);
        }, trials: 3, minTrialSeconds: 0, warmup: 0);
        PeerOutput.Result("minilm-forward", f, PeerOutput.PeakShare(forward, f.MedianMs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# minilm step / own no-grad forward: {t.MedianMs / f.MedianMs:F2}"));
    }

    /// <summary>Median wall and process-CPU ms of the step's sections over 3 steps: forward with the graph (loss
    /// included), backward, AdamW (with one thread the CPU times do not depend on the machine's load).</summary>
    static void Profile(Func<Tensor> forward, Tensor labels, optim.Optimizer optimizer)
    {
        var sections = new List<double[]>();
        for (var i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var marks = new List<(double Wall, double Cpu)>();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            void Mark() => marks.Add((sw.Elapsed.TotalMilliseconds, Environment.CpuUsage.TotalTime.TotalMilliseconds));
            Mark();
            var loss = nn.functional.cross_entropy(forward(), labels);
            Mark();
            loss.backward();
            Mark();
            optimizer.step();
            Mark();
            sections.Add([.. Enumerable.Range(1, 3).SelectMany(k =>
                new[] { marks[k].Wall - marks[k - 1].Wall, marks[k].Cpu - marks[k - 1].Cpu })]);
        }
        double Mid(int column) => sections.Select(x => x[column]).Order().ElementAt(1);
        string Median(int k) =>
            string.Create(CultureInfo.InvariantCulture, $"{Mid(2 * k):F1} ms (CPU {Mid(2 * k + 1):F1})");
        Console.WriteLine(
            $"# minilm step sections (median of 3): forward {Median(0)}, backward {Median(1)}, AdamW {Median(2)}");
    }
}
