using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace LoraLab.Models;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014) with torch.nn.Dropout's semantics — in training each element is zeroed
/// with probability p and the others are scaled by 1/(1−p); identity in eval — whose mask comes from a counter-based
/// generator. libtorch draws dropout masks with a serial Mersenne Twister loop on AMD CPUs (its MKL path is taken on
/// Intel CPUs only), ≈ 6 ns per element: in a MiniLM-L6 step (≈ 20 M elements behind dropout) ≈ 120 ms during which
/// the second core idles. Here each call draws one 64-bit seed from torch's global generator, so manual_seed and a
/// saved RNG state still fix every mask, and element i is kept when 32 bits of SplitMix64(seed + ⌊i/2⌋·γ) (Steele,
/// Lea &amp; Flood 2014; the low half for even i, the high half for odd i) fall below (1−p)·2³² — the way CUDA's
/// dropout hashes (seed, offset) with Philox. ≈ 0.2 ns per element, vectorized; the masks are the same on every machine
/// and thread count, and differ from at::dropout's in their draws, not in their distribution.
/// </summary>
internal sealed class HashDropout(double p) : nn.Module<Tensor, Tensor>(nameof(HashDropout))
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL; // SplitMix64's increment, 2⁶⁴/φ
    private const int Chunk = 1 << 14;                // elements hashed per copy into the mask (even: pairs align)

    public double P => p;

    public override Tensor forward(Tensor x) => training ? Apply(x, p) : x;

    /// <summary>x ⊙ mask (same shape as x); the mask is 1/(1−p) where kept and 0 where dropped.</summary>
    public static Tensor Apply(Tensor x, double p) => p == 0 ? x : x * Mask(x.shape, p).to(x.dtype, x.device);

    /// <summary>A float32 CPU mask of <paramref name="shape"/>: 1/(1−p) with probability 1−p, else 0.</summary>
    internal static Tensor Mask(long[] shape, double p)
    {
        var seed = (ulong)randint(long.MaxValue, [1]).item<long>();
        var mask = empty(shape, float32);
        var n = mask.numel();
        var keep = (uint)Math.Min(uint.MaxValue, Math.Round((1 - p) * 4294967296.0));
        var scale = (float)(1 / (1 - p));
        var data = mask.storage<float>().data_ptr();
        var buffer = ArrayPool<float>.Shared.Rent(Chunk);
        for (long start = 0; start < n; start += Chunk)
        {
            var length = (int)Math.Min(Chunk, n - start);
            Fill(buffer.AsSpan(0, length), seed, start, keep, scale);
            Marshal.Copy(buffer, 0, data + (nint)(start * sizeof(float)), length);
        }
        ArrayPool<float>.Shared.Return(buffer);
        return mask;
    }

    /// <summary>Mask values of elements start.. (start even), 8 at a time where the CPU has 256-bit vectors.</summary>
    internal static void Fill(Span<float> mask, ulong seed, long start, uint keep, float scale)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(0UL, 1, 2, 3);
            var (keepAll, scaleAll) = (Vector256.Create(keep), Vector256.Create(scale));
            for (; i + 8 <= mask.Length; i += 8)
            {
                var counters = Vector256.Create((ulong)(start + i) / 2) + lanes; // hash k covers elements 2k, 2k+1
                var hashes = SplitMix64(Vector256.Create(seed) + counters * Gamma);
                var kept = Vector256.LessThan(hashes.AsUInt32(), keepAll); // uint lane 2k: low half of hash k
                Vector256.ConditionalSelect(kept.AsSingle(), scaleAll, Vector256<float>.Zero).CopyTo(mask[i..]);
            }
        }
        for (; i < mask.Length; i++)
        {
            var element = start + i;
            var hash = SplitMix64(seed + (ulong)(element / 2) * Gamma);
            mask[i] = (element % 2 == 0 ? (uint)hash : (uint)(hash >> 32)) < keep ? scale : 0f;
        }
    }

    // SplitMix64's output function (Steele, Lea & Flood 2014; Java's SplittableRandom.mix64).
    internal static ulong SplitMix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static Vector256<ulong> SplitMix64(Vector256<ulong> z)
    {
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * 0x94D049BB133111EBUL;
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }
}
