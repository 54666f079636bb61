using static TorchSharp.torch;

namespace LoraLab.IO.Safetensors;

/// <summary>Sizes, header names and TorchSharp counterparts of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypeInfo
{
    /// <summary>Bits per element (BOOL is stored as one byte; F4 and F6 are packed).</summary>
    public static int BitSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F4 => 4,
        SafetensorsDType.F6_E2M3 or SafetensorsDType.F6_E3M2 => 6,
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8 or SafetensorsDType.F8_E5M2
            or SafetensorsDType.F8_E4M3 or SafetensorsDType.F8_E8M0 or SafetensorsDType.F8_E4M3FNUZ
            or SafetensorsDType.F8_E5M2FNUZ => 8,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 16,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 32,
        SafetensorsDType.C64 or SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 64,
    };

    /// <summary>Position in the reference library's <c>Dtype</c> enum (huggingface/safetensors <c>tensor.rs</c>,
    /// "increasing alignment"); the reference writer lays tensors out by descending rank, then by name. Written out
    /// so that reordering <see cref="SafetensorsDType"/> cannot change the file layout.</summary>
    public static int LayoutRank(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => 0,
        SafetensorsDType.F4 => 1,
        SafetensorsDType.F6_E2M3 => 2,
        SafetensorsDType.F6_E3M2 => 3,
        SafetensorsDType.U8 => 4,
        SafetensorsDType.I8 => 5,
        SafetensorsDType.F8_E5M2 => 6,
        SafetensorsDType.F8_E4M3 => 7,
        SafetensorsDType.F8_E8M0 => 8,
        SafetensorsDType.F8_E4M3FNUZ => 9,
        SafetensorsDType.F8_E5M2FNUZ => 10,
        SafetensorsDType.I16 => 11,
        SafetensorsDType.U16 => 12,
        SafetensorsDType.F16 => 13,
        SafetensorsDType.BF16 => 14,
        SafetensorsDType.I32 => 15,
        SafetensorsDType.U32 => 16,
        SafetensorsDType.F32 => 17,
        SafetensorsDType.C64 => 18,
        SafetensorsDType.F64 => 19,
        SafetensorsDType.I64 => 20,
        SafetensorsDType.U64 => 21,
    };

    /// <summary>The dtype string of the header ("BOOL", "F32", "F8_E4M3", ...).</summary>
    public static string SpecName(this SafetensorsDType dtype) =>
        dtype == SafetensorsDType.Bool ? "BOOL" : dtype.ToString();

    /// <summary>Parses a header dtype string, case-sensitively, as the reference does.</summary>
    public static bool TryParse(string text, out SafetensorsDType dtype)
    {
        foreach (var candidate in Enum.GetValues<SafetensorsDType>())
        {
            if (candidate.SpecName() == text)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The TorchSharp type holding this dtype bit for bit, or null where TorchSharp has none
    /// (U16/U32/U64 and the 8/6/4-bit floats: widening them silently would mislabel the data).</summary>
    public static ScalarType? ToScalarType(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => ScalarType.Bool,
        SafetensorsDType.U8 => ScalarType.Byte,
        SafetensorsDType.I8 => ScalarType.Int8,
        SafetensorsDType.I16 => ScalarType.Int16,
        SafetensorsDType.I32 => ScalarType.Int32,
        SafetensorsDType.I64 => ScalarType.Int64,
        SafetensorsDType.F16 => ScalarType.Float16,
        SafetensorsDType.BF16 => ScalarType.BFloat16,
        SafetensorsDType.F32 => ScalarType.Float32,
        SafetensorsDType.F64 => ScalarType.Float64,
        SafetensorsDType.C64 => ScalarType.ComplexFloat32,
        _ => null,
    };

    /// <summary>The safetensors dtype storing a TorchSharp type, or null where the format has none.</summary>
    public static SafetensorsDType? FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Bool => SafetensorsDType.Bool,
        ScalarType.Byte => SafetensorsDType.U8,
        ScalarType.Int8 => SafetensorsDType.I8,
        ScalarType.Int16 => SafetensorsDType.I16,
        ScalarType.Int32 => SafetensorsDType.I32,
        ScalarType.Int64 => SafetensorsDType.I64,
        ScalarType.Float16 => SafetensorsDType.F16,
        ScalarType.BFloat16 => SafetensorsDType.BF16,
        ScalarType.Float32 => SafetensorsDType.F32,
        ScalarType.Float64 => SafetensorsDType.F64,
        ScalarType.ComplexFloat32 => SafetensorsDType.C64,
        _ => null,
    };
}
