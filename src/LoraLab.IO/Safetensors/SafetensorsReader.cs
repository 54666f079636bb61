using System.Buffers.Binary;
using TorchSharp;
using static LoraLab.IO.Safetensors.SafetensorsErrors;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// Reads safetensors from a seekable stream. Every size is checked against the stream length before anything is
/// allocated: the header buffer is at most min(100 MB, length − 8) bytes, and tensor storage is allocated only
/// after the whole header validated, each tensor no bigger than its (validated) span of the file.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>huggingface/safetensors <c>MAX_HEADER_SIZE</c>.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static SafetensorsHeader ReadHeader(Stream stream, string file)
    {
        var length = stream.Length;
        if (length < 8)
            throw Fail(file, $"file is {length} bytes; a safetensors file starts with an 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderBytes)
            throw Fail(file, $"header length {n} exceeds the {MaxHeaderBytes:N0}-byte limit " +
                             "(corrupt or not safetensors)");
        if (n > (ulong)(length - 8))
            throw Fail(file, $"header length {n} exceeds the {length - 8} bytes after the length prefix " +
                             "(file truncated?)");
        var json = new byte[n];
        stream.ReadExactly(json);
        var (entries, metadata) = SafetensorsHeaderParser.Parse(json, file);
        var ordered = SafetensorsLayout.Validate(entries, length - 8 - (long)n, file);
        return new SafetensorsHeader(ordered, metadata, 8 + (long)n);
    }

    /// <summary>All tensors, in file order; on failure, those already created are disposed.</summary>
    public static Dictionary<string, torch.Tensor> Load(Stream stream, string file)
    {
        var header = ReadHeader(stream, file);
        foreach (var entry in header.Entries) RequireSupported(entry, file);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in header.Entries)
                result.Add(entry.Name, ReadTensor(stream, header, entry, file));
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>One tensor, given a header read earlier from the same file (re-checked against the file
    /// size).</summary>
    public static torch.Tensor LoadTensor(Stream stream, SafetensorsHeader header, string name, string file)
    {
        if (stream.Length != header.FileLength)
            throw Fail(file, $"file is {stream.Length} bytes but its header implies {header.FileLength} " +
                             "(changed since read?)");
        var entry = header.Find(name) ?? throw Fail(file, $"no tensor named {Quote(name)}");
        RequireSupported(entry, file);
        return ReadTensor(stream, header, entry, file);
    }

    static void RequireSupported(SafetensorsEntry entry, string file)
    {
        if (entry.DType.ToScalarType() is null)
            throw Fail(file, $"tensor {Quote(entry.Name)}: unsupported dtype {entry.DType.SpecName()} "
                             + "(TorchSharp has no such type; convert it to a supported dtype first)");
    }

    static torch.Tensor ReadTensor(Stream stream, SafetensorsHeader header, SafetensorsEntry entry, string file)
    {
        var tensor = torch.empty(entry.Shape, entry.DType.ToScalarType()!.Value);
        try
        {
            stream.Position = header.DataStart + entry.Begin;
            TensorBytes.Fill(tensor, stream);
            if (entry.DType == SafetensorsDType.Bool) RequireBooleans(tensor, entry, file);
            return tensor;
        }
        catch (EndOfStreamException ex)
        {
            tensor.Dispose();
            throw Fail(file, $"file ended while reading tensor {Quote(entry.Name)} " +
                             "(changed since its header was read?)", ex);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>A BOOL byte other than 0 or 1 is not a boolean torch can hold.</summary>
    static void RequireBooleans(torch.Tensor tensor, SafetensorsEntry entry, string file)
    {
        var bad = TensorBytes.FirstByteAbove(tensor, 1);
        if (bad >= 0)
            throw Fail(file, $"tensor {Quote(entry.Name)} (BOOL) has a byte other than 0 or 1 at element {bad}");
    }
}
