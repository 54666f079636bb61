using System.Globalization;
using LoraLab.Core;
using LoraLab.Models.Bert;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// One MiniLM-L6 LoRA training step (docs/reference/feasibility.md §2.4): all-MiniLM-L6-v2 + a 2-way head on [CLS],
/// LoRA on query/value (r = 8, Init[A]), batch 32 × 64 real-token ids, cross-entropy, backward, AdamW — for three
/// dropout settings (HF default 0.1/0.1; attention dropout off, which lets libtorch use its fused CPU attention kernel;
/// all off), once with mean pooling (which needs the whole last layer), plus eval-mode forward. Matmul work per step: ≈
/// 38 GFLOP forward (the last layer computes [CLS] only) + ≈ 37 GFLOP backward (input gradients only; the frozen
/// weights get none).
/// </summary>
public static class MiniLmStepBenchmark
{
    const int Batch = 32, Tokens = 64;

    public static void Run()
    {
        var pretrained = MiniLm.Load();
        foreach (var (hidden, attention, pooling) in new[]
                 {
                     (0.1, 0.1, BertPooling.Cls), (0.1, 0.0, BertPooling.Cls), (0.0, 0.0, BertPooling.Cls),
                     (0.1, 0.1, BertPooling.Mean),
                 })
            Measure(pretrained, hidden, attention, pooling);
        pretrained.Model.Dispose();
    }

    static void Measure(PretrainedBert pretrained, double hiddenDropout, double attentionDropout, BertPooling pooling)
    {
        manual_seed(0);
        var model = new BertModel(pretrained.Model.Config with
        {
            HiddenDropout = hiddenDropout, AttentionDropout = attentionDropout,
        });
        model.load_state_dict(pretrained.Model.state_dict());
        using var classifier = new BertClassifier(model, numLabels: 2, pooling);
        LoraInjector.Inject(classifier, new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] });
        using var optimizer = optim.AdamW(classifier.parameters().Where(p => p.requires_grad).ToList(), lr: 1e-4);
        var ids = randint(1000, 30000, [Batch, Tokens]);
        ids[.., 0] = 101;                                                       // [CLS]
        var batch = new BertInput(ids, ones_like(ids), zeros_like(ids));
        var labels = randint(0, 2, [Batch]);

        classifier.train();
        var step = Harness.Measure($"minilm lora step {Batch}x{Tokens} {pooling.ToString().ToLowerInvariant()} " +
                                   $"dropout {hiddenDropout}/{attentionDropout}", () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(classifier.call(batch), labels).backward();
            optimizer.step();
        }, trials: 7, minTrialSeconds: 0, warmup: 3);
        Harness.Print(step, string.Create(CultureInfo.InvariantCulture,
                                          $"{Batch / (step.MedianMs / 1e3):F0} examples/s, " +
                                          $"{Batch * Tokens / (step.MedianMs / 1e3):F0} train tokens/s; " +
                                          $"peak RSS so far {Harness.PeakRssMiB():F0} MiB"));
        if (hiddenDropout > 0 || attentionDropout > 0 || pooling != BertPooling.Cls) return;
        classifier.eval();
        var forward = Harness.Measure($"minilm forward {Batch}x{Tokens} (eval, no grad)", () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            classifier.call(batch);
        }, trials: 7, minTrialSeconds: 0, warmup: 2);
        Harness.Print(forward);
    }
}
