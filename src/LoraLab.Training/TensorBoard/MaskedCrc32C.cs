using System.Numerics;

namespace LoraLab.Training.TensorBoard;

/// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and the TFRecord mask over it
/// (tensorflow/core/lib/hash/crc32c.h: rotate right by 15, add 0xa282ead8), so that a CRC of data that itself holds
/// CRCs stays well distributed.</summary>
internal static class MaskedCrc32C
{
    const uint MaskDelta = 0xa282ead8;

    /// <summary>Plain CRC-32C of <paramref name="data"/> ("123456789" → 0xE3069283); hardware instruction where the
    /// CPU has one (BitOperations.Crc32C).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
