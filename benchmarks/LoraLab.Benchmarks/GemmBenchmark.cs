using System.Globalization;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>float32 square matmul throughput against the machine's peak (docs/reference/feasibility.md §2.1: ~210
/// GFLOP/s AVX2, ~430 AVX-512 on 2 cores).</summary>
public static class GemmBenchmark
{
    public static void Run()
    {
        foreach (var n in new[] { 256, 512, 1024, 2048 })
        {
            var a = randn(n, n);
            var b = randn(n, n);
            var t = Harness.Measure($"gemm {n}x{n}x{n}", () => { using var scope = NewDisposeScope(); matmul(a, b); });
            var gflops = 2.0 * n * n * n / (t.MedianMs * 1e6);
            Harness.Print(t, string.Create(CultureInfo.InvariantCulture,
                $"{gflops:F1} GFLOP/s = {100 * gflops / 210:F0}% of AVX2 peak, " +
                $"{100 * gflops / 430:F0}% of AVX-512 peak"));
        }
        // The LoRA-linear benchmark's frozen GEMM alone: x (64×1024) · Wᵀ (1024×1024) + bias, as nn.Linear runs it.
        var x = randn(64, 1024);
        var w = randn(1024, 1024);
        var bias = randn(1024);
        var l = Harness.Measure("linear 64x1024 · (1024x1024)ᵀ + b",
                                () => { using var scope = NewDisposeScope(); nn.functional.linear(x, w, bias); });
        Harness.Print(l, string.Create(CultureInfo.InvariantCulture,
                                       $"{2.0 * 64 * 1024 * 1024 / (l.MedianMs * 1e6):F1} GFLOP/s"));
    }
}
