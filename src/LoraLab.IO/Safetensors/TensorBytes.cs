using TorchSharp;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// Moves a contiguous CPU tensor's raw bytes to and from a stream in chunks (TorchSharp's <c>Tensor.bytes</c> span is
/// limited to int.MaxValue bytes), without a managed copy of the data. Little-endian hosts only, like the format.
/// </summary>
internal static class TensorBytes
{
    public const long DefaultChunkBytes = 1L << 28;

    public static void Fill(torch.Tensor tensor, Stream stream, long chunkBytes = DefaultChunkBytes) =>
        ForEachChunk(tensor, chunkBytes, chunk => stream.ReadExactly(chunk.bytes));

    public static void Write(torch.Tensor tensor, Stream stream, long chunkBytes = DefaultChunkBytes) =>
        ForEachChunk(tensor, chunkBytes, chunk => stream.Write(chunk.bytes));

    /// <summary>Index of the first element whose (1-byte) value exceeds <paramref name="max"/>, or −1.</summary>
    public static long FirstByteAbove(torch.Tensor tensor, byte max)
    {
        long index = -1, offset = 0;
        ForEachChunk(tensor, DefaultChunkBytes, chunk =>
        {
            if (index >= 0) return;
            var bytes = chunk.bytes;
            var i = bytes.IndexOfAnyExceptInRange((byte)0, max);
            if (i >= 0) index = offset + i;
            offset += bytes.Length;
        });
        return index;
    }

    static void ForEachChunk(torch.Tensor tensor, long chunkBytes, Action<torch.Tensor> action)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors needs a little-endian host");
        var count = tensor.numel();
        if (count == 0) return;
        using var flat = tensor.view(-1); // (numel,) view of the contiguous storage
        var perChunk = Math.Max(1, chunkBytes / tensor.element_size());
        for (long start = 0; start < count; start += perChunk)
        {
            using var chunk = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(chunk);
        }
    }
}
