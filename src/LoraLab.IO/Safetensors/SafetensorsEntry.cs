namespace LoraLab.IO.Safetensors;

/// <summary>
/// One tensor of a safetensors header: its dtype, shape (row-major, little-endian data; <c>[]</c> is a scalar) and
/// byte range [<paramref name="Begin"/>, <paramref name="End"/>) relative to the start of the data buffer
/// (<see cref="SafetensorsHeader.DataStart"/>).
/// </summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    /// <summary>Number of elements (1 for a scalar, 0 for an empty tensor); validated not to overflow on
    /// read.</summary>
    public long ElementCount => Shape.Aggregate(1L, (n, d) => n * d);
}
