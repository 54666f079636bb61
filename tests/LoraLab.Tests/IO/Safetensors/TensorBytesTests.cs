using LoraLab.IO.Safetensors;
using TorchSharp;

namespace LoraLab.Tests.IO.Safetensors;

/// <summary>The chunked byte copy, with chunks small enough that a tensor spans many (real files use 256
/// MiB).</summary>
public sealed class TensorBytesTests
{
    [Theory]
    [InlineData(4)]   // one element per chunk
    [InlineData(12)]  // 3 elements per chunk, last chunk partial (100 = 33·3 + 1)
    [InlineData(1)]   // below one element: still one element per chunk
    [InlineData(4096)]
    public void WriteFill_SmallChunks_SameBytes(long chunkBytes)
    {
        using var source = torch.arange(100, dtype: torch.float32).reshape(4, 25);
        using var stream = new MemoryStream();

        TensorBytes.Write(source, stream, chunkBytes);
        stream.Position = 0;
        using var target = torch.empty(4, 25);
        TensorBytes.Fill(target, stream, chunkBytes);

        Assert.Equal(400, stream.Length);
        Assert.Equal(source.bytes.ToArray(), target.bytes.ToArray());
    }
}
