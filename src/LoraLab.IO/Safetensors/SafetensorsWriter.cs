using System.Buffers.Binary;
using System.Text;
using LoraLab.IO;
using TorchSharp;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// Writes safetensors byte-compatibly with the reference writer (huggingface/safetensors <c>tensor.rs</c>
/// <c>prepare</c>): tensors laid out by descending dtype rank then name (UTF-8 byte order), a compact JSON header
/// with <c>__metadata__</c> first (its keys sorted, for determinism) and each tensor as
/// {"dtype","shape","data_offsets"}, padded with spaces to a multiple of 8. The file is written through
/// <see cref="AtomicFile"/> (temp sibling, then rename), so a reader never sees a half-written file.
/// </summary>
internal static class SafetensorsWriter
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    sealed record Planned(string Name, byte[] Utf8Name, SafetensorsDType DType, long[] Shape, torch.Tensor Tensor,
                          long Bytes);

    public static void Save(string path, IReadOnlyDictionary<string, torch.Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var plan = Plan(tensors);
        var header = HeaderBytes(plan, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var p in plan) WriteData(p, stream);
        });
    }

    static List<Planned> Plan(IReadOnlyDictionary<string, torch.Tensor> tensors)
    {
        var plan = new List<Planned>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name == SafetensorsHeaderParser.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved and cannot name a tensor", nameof(tensors));
            var dtype = SafetensorsDTypeInfo.FromScalarType(tensor.dtype)
                        ?? throw new ArgumentException(
                            $"tensor '{name}': {tensor.dtype} cannot be stored in safetensors",
                            nameof(tensors));
            var utf8 = Encode(name);
            plan.Add(new Planned(name, utf8, dtype, tensor.shape, tensor, tensor.numel() * tensor.element_size()));
        }
        plan.Sort((a, b) => b.DType != a.DType
            ? b.DType.LayoutRank().CompareTo(a.DType.LayoutRank())
            : a.Utf8Name.AsSpan().SequenceCompareTo(b.Utf8Name));
        return plan;
    }

    static byte[] HeaderBytes(List<Planned> plan, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        var first = true;
        if (metadata is not null)
        {
            json.Append('"').Append(SafetensorsHeaderParser.MetadataKey).Append("\":{");
            var keys = metadata.Keys.OrderBy(k => Encode(k), Utf8Order.Instance).ToList();
            for (var i = 0; i < keys.Count; i++)
            {
                if (i > 0) json.Append(',');
                AppendString(json, keys[i]).Append(':');
                AppendString(json, metadata[keys[i]]);
            }
            json.Append('}');
            first = false;
        }
        long offset = 0;
        foreach (var p in plan)
        {
            if (!first) json.Append(',');
            first = false;
            AppendString(json, p.Name).Append(":{\"dtype\":\"").Append(p.DType.SpecName()).Append("\",\"shape\":[")
                .AppendJoin(',', p.Shape).Append("],\"data_offsets\":[").Append(offset).Append(',')
                .Append(offset + p.Bytes).Append("]}");
            offset += p.Bytes;
        }
        json.Append('}');
        var bytes = StrictUtf8.GetBytes(json.ToString());
        var padded = (bytes.Length + 7) / 8 * 8;
        var result = new byte[padded];
        bytes.CopyTo(result, 0);
        result.AsSpan(bytes.Length).Fill((byte)' ');
        return result;
    }

    /// <summary>A JSON string escaped as serde_json does: quote, backslash and control characters only.</summary>
    static StringBuilder AppendString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append($"\\u{(int)c:x4}"); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"');
    }

    static byte[] Encode(string text)
    {
        try { return StrictUtf8.GetBytes(text); }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"name '{text}' is not valid UTF-16 (a lone surrogate)", ex);
        }
    }

    static void WriteData(Planned p, Stream stream)
    {
        if (p.Bytes == 0) return;
        using var detached = p.Tensor.detach();
        using var cpu = detached.cpu();
        using var contiguous = cpu.contiguous();
        TensorBytes.Write(contiguous, stream);
    }

    sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
