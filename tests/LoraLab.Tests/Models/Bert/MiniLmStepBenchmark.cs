using System.Diagnostics;
using LoraLab.Core;
using LoraLab.Models.Bert;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Bert;

/// <summary>
/// Wall time of one MiniLM-L6 LoRA(query, value; r = 8) training step (forward, cross-entropy, backward, AdamW) at
/// batch 32 × 64 tokens on 2 threads. Run:
/// <c>LORALAB_BENCH=1 dotnet test LoraLab.slnx -c Release --no-build --filter "FullyQualifiedName~MiniLmStepBenchmark"
/// --logger "console;verbosity=detailed"</c>
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class MiniLmStepBenchmark(ITestOutputHelper output)
{
    private const int Batch = 32, Tokens = 64, Warmup = 2, Timed = 8;

    [BenchmarkFact]
    public void TrainStep_Batch32x64_TwoThreads()
    {
        torch.set_num_threads(2);
        output.WriteLine($"threads {torch.get_num_threads()}, batch {Batch}x{Tokens}, median/min of {Timed} steps");
        foreach (var (hidden, attention) in new[] { (0.1, 0.1), (0.1, 0.0), (0.0, 0.0) })
            Measure(hidden, attention);
    }

    private void Measure(double hiddenDropout, double attentionDropout)
    {
        manual_seed(0);
        var pretrained = MiniLm.Load();
        var model = new BertModel(pretrained.Model.Config with
        {
            HiddenDropout = hiddenDropout, AttentionDropout = attentionDropout,
        });
        model.load_state_dict(pretrained.Model.state_dict());
        using var classifier = new BertClassifier(model, numLabels: 2);
        LoraInjector.Inject(classifier, new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] });
        var trainable = classifier.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(trainable, lr: 1e-4);
        var ids = randint(1000, 30000, [Batch, Tokens]);
        ids[.., 0] = 101;
        var batch = new BertInput(ids, ones_like(ids), zeros_like(ids));
        var labels = randint(0, 2, [Batch]);

        var train = Time(() =>
        {
            classifier.train();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(classifier.call(batch), labels);
            loss.backward();
            optimizer.step();
        });
        var forward = Time(() =>
        {
            classifier.eval();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            classifier.call(batch);
        });
        output.WriteLine($"dropout hidden {hiddenDropout} attention {attentionDropout}: train step {train}, " +
                         $"forward (eval, no grad) {forward}");
        pretrained.Model.Dispose();
    }

    private static string Time(Action step)
    {
        for (var i = 0; i < Warmup; i++) step();
        var seconds = new List<double>();
        for (var i = 0; i < Timed; i++)
        {
            var sw = Stopwatch.StartNew();
            step();
            seconds.Add(sw.Elapsed.TotalSeconds);
        }
        seconds.Sort();
        return $"median {seconds[Timed / 2]:F3} s (min {seconds[0]:F3})";
    }
}
