using LoraLab.Core;
using LoraLab.Tests.Core;
using LoraLab.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class LoraOptimizerTests
{
    [Fact]
    public void ThreeSteps_SeparateGroups_MatchPyTorchAdamW()
    {
        // Given the fixture's layer and PyTorch's AdamW with a group for A and a group for B
        var f = LoraParityFixture.Load();
        torch.manual_seed(f.Seed);
        var layer = new LoraLinear(nn.Linear(f.InFeatures, f.OutFeatures), f.Rank, f.Alpha, LoraInit.A);
        using (no_grad()) layer.LoraB.copy_(TensorAssert.FromList(f.LoraB, f.OutFeatures, f.Rank));
        var x = TensorAssert.FromList(f.X, 5, f.InFeatures);
        var config = new OptimizerConfig
        {
            LrA = f.Adamw.LrA, LrB = f.Adamw.LrB, WeightDecayA = f.Adamw.WeightDecayA,
            WeightDecayB = f.Adamw.WeightDecayB, Beta1 = f.Adamw.Beta1, Beta2 = f.Adamw.Beta2, Eps = f.Adamw.Eps,
        };
        using var optimizer = new LoraOptimizer([new AdaptedLayer("layer", layer)], [], config);

        // When
        var losses = new List<double>();
        for (int step = 0; step < f.Adamw.Steps; step++)
        {
            optimizer.ZeroGrad();
            var loss = layer.forward(x).square().mean();
            losses.Add(loss.item<float>());
            loss.backward();
            optimizer.Step();
        }

        // Then
        TensorAssert.CloseValues(losses, f.AdamwLosses, 1e-6, 1e-5, "losses");
        TensorAssert.Close(layer.LoraA, TensorAssert.FromList(f.AdamwFinalA, f.Rank, f.InFeatures), 1e-6, 1e-4,
                           "A after AdamW");
        TensorAssert.Close(layer.LoraB, TensorAssert.FromList(f.AdamwFinalB, f.OutFeatures, f.Rank), 1e-6, 1e-4,
                           "B after AdamW");
    }

    [Fact]
    public void Groups_LoraPlusRatio_GivesEffectiveRatesAndPrintsThem()
    {
        var layer = new LoraLinear(nn.Linear(8, 8), rank: 2, alpha: 4, init: LoraInit.A);
        using var optimizer = new LoraOptimizer([new AdaptedLayer("l", layer)], [],
            new OptimizerConfig { Lr = 1e-3, LoraplusRatio = 0.25, WeightDecayB = 0.1 });

        Assert.Equal([("lora_A", 1e-3, 0.0), ("lora_B", 2.5e-4, 0.1)],
                     optimizer.Groups.Select(g => (g.Name, g.Lr, g.WeightDecay)).ToList());
        var text = string.Join("\n", optimizer.Describe());
        Assert.Contains("lr=0.00025", text);
        Assert.Contains("lr_B / lr_A = 0.25", text);
        Assert.Contains("LoRA scaling s = 2 (alpha=4, r=2)", text);

        optimizer.SetLrFactor(0.5);
        Assert.Equal(1.25e-4, optimizer.CurrentLrs()["lora_B"], 12);
    }

    [Fact]
    public void OneSided_TrainAFalse_FreezesAAndOnlyBMoves()
    {
        torch.manual_seed(5);
        var layer = new LoraLinear(nn.Linear(8, 8), rank: 2, alpha: 4, init: LoraInit.A);
        var a0 = layer.LoraA.detach().clone();
        using var optimizer = new LoraOptimizer([new AdaptedLayer("l", layer)], [],
            new OptimizerConfig { Lr = 1e-2, TrainA = false });

        for (int i = 0; i < 3; i++)
        {
            optimizer.ZeroGrad();
            layer.forward(randn(4, 8)).square().mean().backward();
            optimizer.Step();
        }

        Assert.Equal(["lora_B"], optimizer.Groups.Select(g => g.Name).ToList());
        Assert.False(layer.LoraA.requires_grad);
        Assert.True(layer.LoraA.eq(a0).all().item<bool>());
        Assert.True(layer.LoraB.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Validate_LrBAndRatioBoth_IsAnError()
    {
        var errors = new OptimizerConfig { LrB = 1e-3, LoraplusRatio = 16 }.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("exclusive"));
    }
}
