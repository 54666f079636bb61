using LoraLab.Experiments.WidthSweep;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Experiments.WidthSweep;

[Collection(TorchCollection.Name)]
public sealed class BatchedAdamTests
{
    [Fact]
    public void FiveSteps_PerConfigLrs_MatchTorchOptimAdamPerConfig()
    {
        // Given K = 3 configurations with different LRs, two parameters each, and fixed random gradients per step
        torch.manual_seed(7);
        double[] lrA = [1e-3, 3e-2, 0.5], lrB = [2e-3, 1e-1, 0.25];
        var a = randn(3, 2, 5);
        var b = randn(3, 5, 2);
        var grads = Enumerable.Range(0, 5).Select(_ => (A: randn(3, 2, 5), B: randn(3, 5, 2))).ToList();
        var refs = Enumerable.Range(0, 3).Select(k =>
        {
            var pa = new TorchSharp.Modules.Parameter(a[k].clone());
            var pb = new TorchSharp.Modules.Parameter(b[k].clone());
            var opt = torch.optim.Adam([new TorchSharp.Modules.Adam.ParamGroup([pa], lrA[k], 0.9, 0.999, 1e-8),
                                        new TorchSharp.Modules.Adam.ParamGroup([pb], lrB[k], 0.9, 0.999, 1e-8)], lrA[k], 0.9, 0.999, 1e-8);
            return (pa, pb, opt);
        }).ToList();
        using var adam = new BatchedAdam([a, b], [lrA, lrB], 0.9, 0.999, 1e-8);

        // When both take the same five steps
        foreach (var (gA, gB) in grads)
        {
            adam.Step([gA, gB]);
            for (int k = 0; k < 3; k++)
            {
                var (pa, pb, opt) = refs[k];
                opt.zero_grad();
                pa.grad = gA[k].clone();
                pb.grad = gB[k].clone();
                opt.step();
            }
        }

        // Then every configuration equals its own torch.optim.Adam (to float32 rounding of the update order)
        for (int k = 0; k < 3; k++)
        {
            TensorAssert.Close(a[k], refs[k].pa, atol: 1e-6, rtol: 1e-6, what: $"A[{k}]");
            TensorAssert.Close(b[k], refs[k].pb, atol: 1e-6, rtol: 1e-6, what: $"B[{k}]");
        }
    }

    [Fact]
    public void Freeze_StopsOnlyThatConfiguration()
    {
        var p = ones(2, 3);
        using var adam = new BatchedAdam([p], [[0.1, 0.1]], 0.9, 0.999, 1e-8);
        adam.Freeze(1);
        adam.Step([ones(2, 3)]);
        Assert.Equal(0.9f, p[0, 0].item<float>(), 5);
        Assert.Equal(1f, p[1, 0].item<float>());
    }
}
