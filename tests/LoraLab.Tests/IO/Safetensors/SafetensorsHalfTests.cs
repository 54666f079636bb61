using LoraLab.IO;
using LoraLab.IO.Safetensors;
using TorchSharp;

namespace LoraLab.Tests.IO.Safetensors;

/// <summary>F16 and BF16 files built byte by byte from known bit patterns; expected values from System.Half and
/// from the BF16 definition (the high 16 bits of an IEEE float32), not from torch.</summary>
public sealed class SafetensorsHalfTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // 1, −2, 65504 (max), 2^-24 (min subnormal), +inf, ≈1/3, −0
    static readonly ushort[] HalfBits = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555, 0x8000];

    // 1, −3, 3.140625, 2^-133 (subnormal), +inf, −max
    static readonly ushort[] BFloatBits = [0x3F80, 0xC040, 0x4049, 0x0001, 0x7F80, 0xFF7F];

    [Fact]
    public void Load_F16File_HalfValues()
    {
        using var t = LoadOne("F16", HalfBits);

        Assert.Equal(torch.float16, t.dtype);
        var expected = HalfBits.Select(b => (float)BitConverter.UInt16BitsToHalf(b)).ToArray();
        Assert.Equal(65504f, expected[2]);
        Assert.Equal(MathF.Pow(2, -24), expected[3]);
        using var asFloat = t.to_type(torch.float32);
        Assert.Equal(expected, asFloat.data<float>().ToArray());
        Assert.Equal(SafetensorsBytes.UShortBytes(HalfBits), t.bytes.ToArray());
    }

    [Fact]
    public void Load_BF16File_BFloatValues()
    {
        using var t = LoadOne("BF16", BFloatBits);

        Assert.Equal(torch.bfloat16, t.dtype);
        var expected = BFloatBits.Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray();
        Assert.Equal(3.140625f, expected[2]);
        using var asFloat = t.to_type(torch.float32);
        Assert.Equal(expected, asFloat.data<float>().ToArray());
        Assert.Equal(SafetensorsBytes.UShortBytes(BFloatBits), t.bytes.ToArray());
    }

    [Fact]
    public void Load_U16File_RejectedAsUnsupported()
    {
        var path = _dir.File("u16.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.One("U16", "[2]", 0, 4, 4));

        Assert.Equal(SafetensorsDType.U16, SafetensorsFile.ReadHeader(path).Entries[0].DType); // valid format
        var ex = Assert.Throws<LoraLabException>(() => SafetensorsFile.Load(path));
        Assert.Contains("unsupported dtype U16", ex.Message);
    }

    torch.Tensor LoadOne(string dtype, ushort[] bits)
    {
        var path = _dir.File($"{dtype}.safetensors");
        var data = SafetensorsBytes.UShortBytes(bits);
        File.WriteAllBytes(path, SafetensorsBytes.One(dtype, $"[{bits.Length}]", 0, data.Length, 0)
            .Concat(data).ToArray());
        return Assert.Single(SafetensorsFile.Load(path)).Value;
    }
}
