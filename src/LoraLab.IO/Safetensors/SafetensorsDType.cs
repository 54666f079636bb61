namespace LoraLab.IO.Safetensors;

/// <summary>
/// Element types of the safetensors format, named as the header spells them (<c>Bool</c> is written <c>BOOL</c>).
/// Declared in the reference library's order (huggingface/safetensors <c>tensor.rs</c> enum <c>Dtype</c>, "increasing
/// alignment"); the layout order the writer uses is <see cref="SafetensorsDTypeInfo.LayoutRank"/>, not this order.
/// Sizes: <see cref="SafetensorsDTypeInfo.BitSize"/>.
/// </summary>
public enum SafetensorsDType
{
    Bool,
    F4,
    F6_E2M3,
    F6_E3M2,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    F8_E8M0,
    F8_E4M3FNUZ,
    F8_E5M2FNUZ,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    C64,
    F64,
    I64,
    U64,
}
