using LoraLab.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Core;

[Collection(TorchCollection.Name)]
public sealed class LoraLinearTests
{
    static (LoraLinear Layer, LoraParityFixture F) FromFixture()
    {
        var f = LoraParityFixture.Load();
        torch.manual_seed(f.Seed);
        var baseLayer = nn.Linear(f.InFeatures, f.OutFeatures);
        var layer = new LoraLinear(baseLayer, f.Rank, f.Alpha, LoraInit.A);
        return (layer, f);
    }

    [Fact]
    public void Construct_InitA_SameSeed_DrawsExactlyPeftsFactors()
    {
        // Given PyTorch's base Linear + PEFT's draw order replayed under seed 0 (tools/make_lora_fixtures.py)
        var (layer, f) = FromFixture();

        // Then the base weight and A are bit-identical, and B is zero
        TensorAssert.Close(layer.BaseLayer.weight!, TensorAssert.FromList(f.BaseWeight, f.OutFeatures, f.InFeatures),
            0, 0, "base weight");
        TensorAssert.Close(layer.LoraA, TensorAssert.FromList(f.InitLoraA, f.Rank, f.InFeatures), 0, 0, "lora_A");
        Assert.Equal(0f, layer.LoraB.abs().max().item<float>());
    }

    [Fact]
    public void ForwardBackward_NonZeroB_MatchesPyTorch()
    {
        var (layer, f) = FromFixture();
        using (no_grad()) layer.LoraB.copy_(TensorAssert.FromList(f.LoraB, f.OutFeatures, f.Rank));
        var x = TensorAssert.FromList(f.X, 5, f.InFeatures);

        var y = layer.forward(x);
        var loss = y.square().mean();
        loss.backward();

        TensorAssert.Close(y, TensorAssert.FromList(f.Y, 5, f.OutFeatures), 1e-6, 1e-5, "y");
        Assert.Equal(f.Loss, loss.item<float>(), 5);
        TensorAssert.Close(layer.LoraA.grad!, TensorAssert.FromList(f.GradA, f.Rank, f.InFeatures), 1e-7, 1e-4,
            "grad A");
        TensorAssert.Close(layer.LoraB.grad!, TensorAssert.FromList(f.GradB, f.OutFeatures, f.Rank), 1e-7, 1e-4,
            "grad B");
        Assert.Null(layer.BaseLayer.weight!.grad);
        Assert.False(layer.BaseLayer.weight!.requires_grad);
        Assert.False(layer.BaseLayer.bias!.requires_grad);
    }

    [Fact]
    public void MergeUnmerge_NonZeroB_OutputsAgreeAndWeightRestored()
    {
        // Given B set to hand-picked non-zero values (a merge test with B = 0 would pass vacuously)
        torch.manual_seed(3);
        var layer = new LoraLinear(nn.Linear(32, 24), rank: 4, alpha: 8, init: LoraInit.A);
        using (no_grad())
        {
            layer.LoraB[5, 1] = 12f;
            layer.LoraB[17, 3] = -3f;
        }
        var w0 = layer.BaseLayer.weight!.detach().clone();
        var x = randn(7, 32);
        var unmerged = layer.forward(x).detach();
        Assert.True(unmerged.sub(layer.BaseLayer.forward(x)).abs().max().item<float>() > 1e-2,
            "LoRA branch must matter");

        // When merged, then unmerged
        layer.Merge();
        var merged = layer.forward(x).detach();
        var wMerged = layer.BaseLayer.weight!.detach().clone();
        layer.Unmerge();

        // Then
        TensorAssert.Close(merged, unmerged, 1e-5, 1e-5, "merged vs unmerged output");
        TensorAssert.Close(wMerged, w0 + layer.DeltaWeight(), 1e-6, 1e-6, "W + s·B·A");
        TensorAssert.Close(layer.BaseLayer.weight!, w0, 1e-6, 0, "W after unmerge");
        TensorAssert.Close(layer.forward(x), unmerged, 1e-5, 1e-5, "output after unmerge");
    }

    [Fact]
    public void Forward_TrackFeatures_AccumulatesRmsOfZaAndZbOverTrainingForwards()
    {
        torch.manual_seed(4);
        var layer = new LoraLinear(nn.Linear(8, 6), rank: 2, alpha: 4, init: LoraInit.A) { TrackFeatures = true };
        using (no_grad()) layer.LoraB.normal_(0, 0.5);
        var (x1, x2) = (randn(3, 8), randn(2, 5, 8));                 // 2-d and batched inputs

        var untracked = new LoraLinear(nn.Linear(8, 6), rank: 2, alpha: 4, init: LoraInit.A);
        layer.forward(x1);
        layer.forward(x2);
        layer.eval();
        layer.forward(randn(4, 8) * 100);                               // eval forwards are not counted
        var rms = layer.TakeFeatureRms().data<double>().ToArray();

        // Explicit Z_A, Z_B per forward; the sums are of per-forward mean squares.
        double Ms(Tensor t) => t.square().mean().item<float>();
        var (za1, za2) = (x1.matmul(layer.LoraA.T), x2.matmul(layer.LoraA.T));
        var (zb1, zb2) = (za1.matmul(layer.LoraB.T) * 2.0, za2.matmul(layer.LoraB.T) * 2.0);
        Assert.Equal(Math.Sqrt((Ms(za1) + Ms(za2)) / 2), rms[0], 5);
        Assert.Equal(Math.Sqrt((Ms(zb1) + Ms(zb2)) / 2), rms[1], 5);
        Assert.True(layer.TakeFeatureRms().data<double>().ToArray().All(double.IsNaN));   // reset: 0/0
        Assert.True(untracked.TakeFeatureRms().data<double>().ToArray().All(double.IsNaN));
    }

    [Fact]
    public void Forward_TrackFeatures_SameOutputBits()
    {
        torch.manual_seed(5);
        var layer = new LoraLinear(nn.Linear(8, 6), rank: 2, alpha: 4, init: LoraInit.A);
        using (no_grad()) layer.LoraB.normal_(0, 0.3);
        var x = randn(3, 4, 8);
        var plain = layer.forward(x);
        layer.TrackFeatures = true;
        Assert.True(plain.equal(layer.forward(x)).all().item<bool>());
    }

    [Theory]
    [InlineData(LoraScaling.AlphaOverR, 2.0)]        // 8 / 4
    [InlineData(LoraScaling.AlphaOverSqrtR, 4.0)]    // 8 / √4
    public void Construct_ScaleDerivedFromAlphaRankAndScaling_ForwardUsesIt(LoraScaling scaling, double expected)
    {
        // s is not a constructor argument, so it cannot disagree with α: it follows from (r, α, scaling)
        torch.manual_seed(11);
        var layer = new LoraLinear(nn.Linear(6, 5), rank: 4, alpha: 8, init: LoraInit.A, scaling: scaling);
        using (no_grad()) layer.LoraB.normal_(0, 0.5);
        var x = randn(3, 6);

        using var expectedY = layer.BaseLayer.forward(x)
            .add(x.matmul(layer.LoraA.t()).matmul(layer.LoraB.t()).mul(expected));   // W·x + b + s·B·A·x
        Assert.Equal((8.0, scaling, expected), (layer.Alpha, layer.Scaling, layer.Scale));
        TensorAssert.Close(layer.forward(x), expectedY, 1e-6, 1e-5, "y");
    }
}
