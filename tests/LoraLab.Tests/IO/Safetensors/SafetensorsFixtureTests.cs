using LoraLab.IO.Safetensors;
using TorchSharp;

namespace LoraLab.Tests.IO.Safetensors;

/// <summary>
/// A file written by Hugging Face tooling (data/tiny-gpt2-random-fixture/model.safetensors). Expected values were
/// computed independently with Python's struct module on the raw file:
/// <c>struct.unpack('&lt;Q', f[:8])</c>, <c>json.loads(f[8:8+n])</c>, then <c>struct.unpack('&lt;I', ...)</c> at
/// 8 + n + BEGIN + 4·i.
/// </summary>
public sealed class SafetensorsFixtureTests
{
    static readonly string Fixture = RepoPaths.Data("tiny-gpt2-random-fixture/model.safetensors");

    [Fact]
    public void ReadHeader_HfGpt2Fixture_NamesShapesOffsetsAndMetadata()
    {
        var header = SafetensorsFile.ReadHeader(Fixture);

        Assert.Equal(16, header.Entries.Count);
        Assert.Equal(8 + 1200, header.DataStart);
        Assert.Equal(9880, header.FileLength);
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.All(header.Entries, e => Assert.Equal(SafetensorsDType.F32, e.DType));
        var wte = header.Find("wte.weight")!;
        Assert.Equal([21L, 2L], wte.Shape);
        Assert.Equal((8504L, 8672L), (wte.Begin, wte.End));
        Assert.Equal([1024L, 2L], header.Find("wpe.weight")!.Shape);
        Assert.Equal([2L, 6L], header.Find("h.0.attn.c_attn.weight")!.Shape);
        Assert.Equal("h.0.attn.c_attn.bias", header.Entries[0].Name); // offset order
    }

    [Fact]
    public void Load_HfGpt2Fixture_ValuesMatchStructParsing()
    {
        var tensors = SafetensorsFile.Load(Fixture);
        try
        {
            Assert.Equal(16, tensors.Count);
            var wte = tensors["wte.weight"].data<float>().ToArray(); // (21, 2)
            Assert.Equal(0x3d02e258u, BitConverter.SingleToUInt32Bits(wte[0]));
            Assert.Equal(0xbb9bf28fu, BitConverter.SingleToUInt32Bits(wte[1]));
            Assert.Equal(0x3c59c865u, BitConverter.SingleToUInt32Bits(wte[41]));
            var wpe = tensors["wpe.weight"].data<float>().ToArray(); // (1024, 2)
            Assert.Equal(0x3caa5d82u, BitConverter.SingleToUInt32Bits(wpe[0]));
            Assert.Equal(0xbb0bc2f9u, BitConverter.SingleToUInt32Bits(wpe[2047]));
            Assert.Equal([1f, 1f], tensors["ln_f.weight"].data<float>().ToArray());
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
