using System.Diagnostics;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// Why <c>LowRankObjective</c> multiplies large H in blocks: ms per configuration of the toy's two GEMMs
/// (A·H, K = 20 configurations × r = 4 rows against one H of n × 1000; G·Hᵀ) as one bmm over the whole H versus a bmm
/// per block of H's columns (rows for G·Hᵀ), so that a block stays in cache across the configurations. One thread.
/// </summary>
public static class GemmBlocksBenchmark
{
    public static void Run()
    {
        manual_seed(1);
        foreach (var n in new long[] { 2048, 8192 })
        {
            long N = 1000, K = 20, r = 4;
            var h = randn(n, N);
            var ht = randn(N, n);
            var a = randn(K, r, n);
            var g = randn(K, r, N);
            var outG = zeros(K, r, N);
            var outA = zeros(K, r, n);
            foreach (var nb in new long[] { N, 500, 250, 125, 50 })
            {
                double Time(Action act)
                {
                    act();
                    var sw = Stopwatch.StartNew();
                    for (int i = 0; i < 10; i++) act();
                    return sw.Elapsed.TotalMilliseconds / 10 / K;
                }
                var tA = Time(() =>
                {
                    using var scope = NewDisposeScope();
                    for (long c = 0; c < N; c += nb)
                    {
                        var w = Math.Min(nb, N - c);
                        var hb = h.narrow(1, c, w).contiguous();
                        outG.narrow(2, c, w).copy_(a.bmm(hb.expand(K, n, w)));
                    }
                });
                var tG = Time(() =>
                {
                    using var scope = NewDisposeScope();
                    for (long c = 0; c < n; c += nb * 8)
                    {
                        var w = Math.Min(nb * 8, n - c);
                        var hb = ht.narrow(1, c, w).contiguous();
                        outA.narrow(2, c, w).copy_(g.bmm(hb.expand(K, N, w)));
                    }
                });
                Console.WriteLine($"n={n} block={nb}: A·H {tA:F3} ms/config, G·Hᵀ {tG:F3} ms/config");
            }
        }
    }
}
