using System.Globalization;
using LoraLab.Core;
using LoraLab.Experiments.Packing;
using LoraLab.Models.Bert;
using LoraLab.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// K = 8 MiniLM-L6 LoRA(query, value; r = 8) classification runs that differ in seed and LR, on the same batches
/// (batchSize × 64 tokens each; 32 unless --batch): 8 sequential training steps vs one packed step over the batch
/// repeated 8 times.
/// Dropout is off so that packed and sequential runs compute the same thing (the equivalence is tested on a small
/// model in AdapterPackingTests).
/// </summary>
public static class MiniLmPackingBenchmark
{
    const int K = 8, Tokens = 64;

    public static void Run(int batchSize)
    {
        var pretrained = MiniLm.Load();
        var config = pretrained.Model.Config with { HiddenDropout = 0, AttentionDropout = 0 };
        var state = pretrained.Model.state_dict();
        var runs = Enumerable.Range(0, K).Select(k =>
        {
            var bert = new BertModel(config);
            bert.load_state_dict(state);
            torch.manual_seed(k);
            var classifier = new BertClassifier(bert, numLabels: 2, dropout: 0);
            var lora = new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] };
            var layers = LoraInjector.Inject(classifier, lora).Layers;
            var head = classifier.named_parameters().Where(p => p.name.StartsWith("classifier.")).Select(
                p => p.parameter).ToList();
            foreach (var p in head) p.requires_grad = true;
            return (Model: classifier, Optimizer: new LoraOptimizer(layers, head,
                                                                    new OptimizerConfig { Lr = 1e-4 * (k + 1) }));
        }).ToList();

        torch.manual_seed(100);
        var ids = randint(1000, 30000, [batchSize, Tokens]);
        ids[.., 0] = 101;
        var batch = new BertInput(ids, ones_like(ids), zeros_like(ids));
        var labels = randint(0, 2, [batchSize]);

        var sequential = Harness.Measure($"minilm 8 runs sequential ({K}×{batchSize}x{Tokens})", () =>
        {
            foreach (var (model, optimizer) in runs)
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                nn.functional.cross_entropy(model.call(batch), labels).backward();
                optimizer.Step();
            }
        }, trials: 7, minTrialSeconds: 1, warmup: 2);
        Report(sequential, batchSize);

        var packed = (nn.Module<BertInput, Tensor>)AdapterPacking.Pack(runs.Select(r => (nn.Module)r.Model).ToList(),
                                                                       ["classifier"]);
        var packedBatch = new BertInput(ids.repeat(K, 1), batch.AttentionMask.repeat(K, 1),
                                        batch.TokenTypeIds!.repeat(K, 1));
        var packedLabels = labels.repeat(K);
        var packedTiming = Harness.Measure($"minilm 8 runs packed (1×{K * batchSize}x{Tokens})", () =>
        {
            using var scope = NewDisposeScope();
            foreach (var r in runs) r.Optimizer.ZeroGrad();
            var logits = packed.call(packedBatch);                                          // (K·B, 2)
            // Σ_k mean_b CE: each run's gradient equals its own run's (mean over K·B would scale it by 1/K)
            nn.functional.cross_entropy(logits, packedLabels, reduction: nn.Reduction.Sum).div(batchSize).backward();
            foreach (var r in runs) r.Optimizer.Step();
        }, trials: 7, minTrialSeconds: 1, warmup: 2);
        Report(packedTiming, batchSize, $"speed-up {sequential.MedianMs / packedTiming.MedianMs:F2}x");
    }

    static void Report(Harness.Timing t, int batchSize, string extra = "")
    {
        var tokensPerSecond = K * batchSize * Tokens / (t.MedianMs / 1000);
        Harness.Print(t, string.Create(CultureInfo.InvariantCulture, $"{tokensPerSecond:F0} train tokens/s {extra}"));
    }
}
