using LoraLab.Models;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class HashDropoutTests
{
    [Fact]
    public void SplitMix64_KnownOutputs()
    {
        // splitmix64.c (Vigna, prng.di.unimi.it) seeded with 1234567: next() = mix(state += γ).
        Assert.Equal(6457827717110365317UL, HashDropout.SplitMix64(unchecked(1234567UL + 0x9E3779B97F4A7C15UL)));
        Assert.Equal(3203168211198807973UL, HashDropout.SplitMix64(unchecked(1234567UL + 2 * 0x9E3779B97F4A7C15UL)));
    }

    [Fact]
    public void Mask_EveryElement_FollowsItsHash()
    {
        // An odd length past several chunks: the vector loop, the chunk seams and the scalar tail all covered.
        const int n = 3 * (1 << 14) + 11;
        manual_seed(5);
        var seed = (ulong)randint(long.MaxValue, [1]).item<long>();
        manual_seed(5);
        var mask = HashDropout.Mask([n], 0.25).data<float>().ToArray();
        var keep = (uint)Math.Round(0.75 * 4294967296.0);
        for (var i = 0; i < n; i++)
        {
            var hash = Mix(seed + (ulong)(i / 2) * 0x9E3779B97F4A7C15UL);
            var kept = (i % 2 == 0 ? (uint)hash : (uint)(hash >> 32)) < keep;
            Assert.True(mask[i] == (kept ? 1 / 0.75f : 0f), $"element {i}: {mask[i]}, kept = {kept}");
        }
    }

    [Fact]
    public void Training_KeepsOneMinusP_ScalesThem_AndDrawsFromTorchsGenerator()
    {
        const int n = 1_000_003;
        using var dropout = new HashDropout(0.1);
        dropout.train();
        manual_seed(1);
        var y = dropout.call(ones(n));
        var kept = y.ne(0);
        var fraction = kept.to(float64).mean().item<double>();
        Assert.True(Math.Abs(fraction - 0.9) < 5 * Math.Sqrt(0.09 / n), $"kept fraction {fraction}");
        Assert.True(y.masked_select(kept).eq(1 / 0.9f).all().item<bool>(), "kept elements must be scaled by 1/(1-p)");
        // Neighbours share a hash (low and high halves): their keep indicators must still be uncorrelated.
        var pairs = kept.to(float64)[..(n - 1)].view(-1, 2);
        var correlation = corrcoef(pairs.t())[0, 1].item<double>();
        Assert.True(Math.Abs(correlation) < 5 / Math.Sqrt(n / 2.0), $"pair correlation {correlation}");
        manual_seed(1);
        Assert.True(dropout.call(ones(n)).eq(y).all().item<bool>(), "the same seed must give the same mask");
        Assert.False(dropout.call(ones(n)).eq(y).all().item<bool>(), "the next call must draw another mask");
    }

    [Fact]
    public void Eval_IsIdentity_AndBackward_IsTheMask()
    {
        using var dropout = new HashDropout(0.5);
        var x = randn(4, 6, requires_grad: true);
        dropout.eval();
        Assert.True(dropout.call(x).eq(x).all().item<bool>());
        dropout.train();
        var y = dropout.call(x);
        y.sum().backward();
        var mask = y.detach() / x.detach();                                     // 0 or 2 where x ≠ 0
        Assert.True(x.grad!.allclose(mask, rtol: 1e-6, atol: 1e-6), "dL/dx must be the mask");
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
