using System.Globalization;
using LoraLab.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// One LoRA linear forward + backward: x (64×1024) without grad, frozen W (1024×1024), r = 8
/// (docs/reference/feasibility.md §2.2/§2.3: PyTorch 1.13 + OpenBLAS, best configuration, 1.35 ms; TorchSharp as first
/// used 1.8–2.4 ms). FLOPs: forward x·Wᵀ 2·64·1024² = 134.2 M plus the rank-8 branch and its backward ≈ 139.5 MFLOP per
/// step. </summary>
public static class LoraLinearBenchmark
{
    const double Flops = 139.5e6;

    public static void Run()
    {
        torch.manual_seed(0);
        var layer = new LoraLinear(nn.Linear(1024, 1024), rank: 8, alpha: 16, init: LoraInit.A);
        using (no_grad()) layer.LoraB.normal_(0, 0.01);
        var x = randn(64, 1024);
        var t = Harness.Measure("lora-linear fwd+bwd (LoraLinear, autograd)", () =>
        {
            using var scope = NewDisposeScope();
            layer.zero_grad(set_to_none: true);                               // as the PyTorch peer: grad = None
            layer.forward(x).sum().backward();
        });
        Harness.Print(t, string.Create(CultureInfo.InvariantCulture, $"{Flops / (t.MedianMs * 1e6):F1} GFLOP/s"));

        // Where the time goes: the forward alone (the rest of the step is the backward).
        Harness.Print(Harness.Measure("lora-linear forward only (no grad)", () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            layer.forward(x);
        }));
        Harness.Print(Harness.Measure("lora-linear forward + graph + sum (no backward)", () =>
        {
            using var scope = NewDisposeScope();
            layer.forward(x).sum();
        }));

        // The same step written as separate ops (LoraLinear's forward before the branch became one addmm), for the
        // before/after figure in docs/performance.md.
        var u = Harness.Measure("lora-linear fwd+bwd (explicit mul + add)", () =>
        {
            using var scope = NewDisposeScope();
            layer.zero_grad(set_to_none: true);
            var y = layer.BaseLayer.forward(x);
            var zb = nn.functional.linear(nn.functional.linear(x, layer.LoraA), layer.LoraB).mul(2.0);
            y.add(zb).sum().backward();
        });
        Harness.Print(u, string.Create(CultureInfo.InvariantCulture, $"{Flops / (u.MedianMs * 1e6):F1} GFLOP/s"));
    }
}
