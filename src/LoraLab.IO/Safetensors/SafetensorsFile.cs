using TorchSharp;
using static LoraLab.IO.Safetensors.SafetensorsErrors;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// The safetensors format (huggingface/safetensors; docs/reference/anchors.md §5): u64 LE header length N, N bytes of
/// JSON header, then the data buffer. Reading validates everything the reference validates and reports each problem
/// as a one-line <see cref="LoraLabException"/> (<see cref="ExitCodes.BadInput"/>) naming the file; writing matches
/// the reference writer's layout, with PEFT's <c>{"format":"pt"}</c> metadata when the caller passes it.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>The validated header; reads no tensor data.</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var stream = Open(path);
        return SafetensorsReader.ReadHeader(stream, path);
    }

    /// <summary>Every tensor, in its stored dtype (BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64, C64), on the CPU,
    /// keyed by name in file order. U16/U32/U64 and the 8/6/4-bit floats are rejected as unsupported, and so is a
    /// BOOL byte other than 0/1. The tensors join the current DisposeScope, if any.</summary>
    public static Dictionary<string, torch.Tensor> Load(string path)
    {
        using var stream = Open(path);
        return SafetensorsReader.Load(stream, path);
    }

    /// <summary>One tensor, given the header <see cref="ReadHeader"/> returned for the same file.</summary>
    public static torch.Tensor LoadTensor(string path, SafetensorsHeader header, string name)
    {
        using var stream = Open(path);
        return SafetensorsReader.LoadTensor(stream, header, name, path);
    }

    /// <summary>Writes <paramref name="tensors"/> (any device, any strides: contiguous CPU copies are written)
    /// atomically: a temporary sibling file renamed over <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, torch.Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Save(path, tensors, metadata);

    static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(path, "file not found", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Fail(path, "permission denied", ex);
        }
    }
}
