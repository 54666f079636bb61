using LoraLab.Core;
using LoraLab.Experiments.Packing;
using LoraLab.Models.Mlp;
using LoraLab.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Experiments.Packing;

/// <summary>K runs trained packed in one pass equal K separate runs (issue: multi-adapter training).</summary>
[Collection(TorchCollection.Name)]
public sealed class AdapterPackingTests
{
    static readonly MlpSpec Spec = new(10, 24, 3);
    static readonly (long Seed, double Lr, LoraInit Init)[] Runs = [(1, 1e-2, LoraInit.A), (2, 3e-3, LoraInit.B),
                                                                    (3, 3e-2, LoraInit.A)];

    /// <summary>One run as a separate process would build it: the same "pretrained" model (fc2 is a trainable head),
    /// then the run's seed and LoRA on fc1.</summary>
    static (MlpModel Model, LoraOptimizer Optimizer) Build((long Seed, double Lr, LoraInit Init) run)
    {
        torch.manual_seed(0);
        var model = new MlpModel(Spec);
        torch.manual_seed(run.Seed);
        var layers = LoraInjector.Inject(model, new LoraConfig { Rank = 2, Alpha = 4, TargetModules = ["fc1"],
                                                                Init = run.Init }).Layers;
        var head = model.named_parameters().Where(p => p.name.StartsWith("fc2.")).Select(p => p.parameter).ToList();
        foreach (var p in head) p.requires_grad = true;
        return (model, new LoraOptimizer(layers, head, new OptimizerConfig { Lr = run.Lr, WeightDecayOther = 0.01 }));
    }

    static (Tensor X, Tensor Y) Batch(int step)
    {
        var g = new Generator((ulong)(100 + step));
        return (randn(6, 10, generator: g), randn(6, 3, generator: g));
    }

    [Fact]
    public void Packed_ThreeRuns_EqualSeparateRuns()
    {
        // Given: three separate runs, 5 steps each on the same batches
        var separate = Runs.Select(Build).ToList();
        for (int step = 0; step < 5; step++)
        {
            var (x, y) = Batch(step);
            foreach (var (model, optimizer) in separate)
            {
                optimizer.ZeroGrad();
                model.forward(x).sub(y).square().mean().backward();
                optimizer.Step();
            }
        }

        // When: the same three runs packed into one model, trained on the batch repeated 3 times
        var runs = Runs.Select(Build).ToList();
        var trainable = runs.Select(r => r.Model.named_parameters().Where(p => p.parameter.requires_grad).ToList())
            .ToList();
        var packed = AdapterPacking.Pack(runs.Select(r => (nn.Module)r.Model).ToList(), ["fc2"]);
        var packedForward = (nn.Module<Tensor, Tensor>)packed;
        for (int step = 0; step < 5; step++)
        {
            var (x, y) = Batch(step);
            foreach (var r in runs) r.Optimizer.ZeroGrad();
            var output = packedForward.forward(x.repeat(3, 1)).reshape(3, 6, 3);        // (K, N, out)
            output.sub(y.unsqueeze(0)).square().mean([1, 2]).sum().backward();          // Σ_k loss_k
            foreach (var r in runs) r.Optimizer.Step();
        }

        // Then every run's parameters match its separate twin
        for (int k = 0; k < Runs.Length; k++)
        {
            var expected = separate[k].Model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
            var actual = trainable[k];   // captured before packing: run 0's model is the packed one now
            Assert.Equal(expected.Select(p => p.name), actual.Select(p => p.name));
            foreach (var (e, a) in expected.Zip(actual))
                TensorAssert.Close(a.parameter, e.parameter, 1e-6, 1e-5, $"run {k} {e.name}");
        }
    }
}
