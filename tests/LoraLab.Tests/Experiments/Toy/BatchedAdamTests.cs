using LoraLab.Experiments.Toy;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Experiments.Toy;

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
            var groups = new[]
            {
                new TorchSharp.Modules.Adam.ParamGroup([pa], lrA[k], 0.9, 0.999, 1e-8),
                new TorchSharp.Modules.Adam.ParamGroup([pb], lrB[k], 0.9, 0.999, 1e-8),
            };
            var opt = torch.optim.Adam(groups, lrA[k], 0.9, 0.999, 1e-8);
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
    public void Keep_DroppedRow_RemainingRowsContinueExactly()
    {
        // Given two configurations stepped twice together, and the same two stepped once, reduced to row 1, stepped
        // again
        torch.manual_seed(3);
        var g1 = randn(2, 4);
        var g2 = randn(2, 4);
        var full = ones(2, 4);
        using var adam = new BatchedAdam([full], [[0.1, 0.2]], 0.9, 0.999, 1e-8);
        adam.Step([g1]);
        adam.Step([g2]);
        var part = ones(2, 4);
        using var first = new BatchedAdam([part], [[0.1, 0.2]], 0.9, 0.999, 1e-8);
        first.Step([g1]);
        var row1 = part.index_select(0, tensor(new long[] { 1 }));
        using var kept = first.Keep(tensor(new long[] { 1 }), [row1]);
        kept.Step([g2.index_select(0, tensor(new long[] { 1 }))]);

        // Then row 1 is bit-identical to the unreduced run
        Assert.Equal(full[1].data<float>().ToArray(), row1[0].data<float>().ToArray());
    }
}
