using System.Buffers.Binary;

namespace LoraLab.Training.TensorBoard;

/// <summary>
/// TFRecord framing (tensorflow/core/lib/io/record_writer.cc), every value little-endian:
/// uint64 length · uint32 masked CRC-32C of those 8 bytes · data · uint32 masked CRC-32C of data.
/// Each record is flushed as written, so a reader (TensorBoard) sees a crashed run's history.
/// </summary>
internal sealed class TfRecordWriter(Stream stream) : IDisposable
{
    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
        stream.Flush();
    }

    public void Dispose() => stream.Dispose();
}
