using System.Buffers.Binary;
using System.Text;

namespace LoraLab.Tests.Training.TensorBoard;

/// <summary>One decoded event: wall time, step, and either a file version or the summary's (tag,
/// simple_value)s.</summary>
internal sealed record DecodedEvent(double WallTime, long Step, string? FileVersion,
                                    List<(string Tag, float Value)> Scalars);

/// <summary>
/// An independent reader of TensorBoard event files for the tests (shares no code with the writer): TFRecord framing
/// with both CRCs checked by a table-driven CRC-32C, and a generic protobuf wire-format walk that accepts any field
/// order and skips unknown fields, as TensorBoard's reader does. Throws <see cref="InvalidDataException"/> on any
/// inconsistency.
/// </summary>
internal static class EventFileReader
{
    static readonly uint[] Table = BuildTable();

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    static uint Masked(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    public static List<DecodedEvent> Read(byte[] file)
    {
        var events = new List<DecodedEvent>();
        var at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12) throw new InvalidDataException($"truncated record header at {at}");
            var length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)) != Masked(file.AsSpan(at, 8)))
                throw new InvalidDataException($"length CRC mismatch at {at}");
            if (length > (ulong)(file.Length - at - 16)) throw new InvalidDataException($"truncated record at {at}");
            var data = file.AsSpan(at + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length)) != Masked(data))
                throw new InvalidDataException($"data CRC mismatch at {at}");
            events.Add(ParseEvent(data.ToArray()));
            at += 16 + (int)length;
        }
        return events;
    }

    static DecodedEvent ParseEvent(byte[] message)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<(string, float)>();
        foreach (var (number, wire, value) in Fields(message))
            switch (number, wire)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)value.Fixed); break;
                case (2, 0): step = (long)value.Varint; break;
                case (3, 2): version = Encoding.UTF8.GetString(value.Bytes); break;
                case (5, 2): scalars.AddRange(ParseSummary(value.Bytes)); break;
                default: throw new InvalidDataException($"unexpected Event field {number} (wire type {wire})");
            }
        return new DecodedEvent(wallTime, step, version, scalars);
    }

    static IEnumerable<(string, float)> ParseSummary(byte[] summary)
    {
        foreach (var (number, wire, value) in Fields(summary))
        {
            if ((number, wire) != (1, 2)) throw new InvalidDataException($"unexpected Summary field {number}");
            string? tag = null;
            float? simple = null;
            foreach (var (n, w, v) in Fields(value.Bytes))
                switch (n, w)
                {
                    case (1, 2): tag = Encoding.UTF8.GetString(v.Bytes); break;
                    case (2, 5): simple = BitConverter.Int32BitsToSingle((int)v.Fixed); break;
                    default: throw new InvalidDataException($"unexpected Summary.Value field {n}");
                }
            yield return (tag ?? throw new InvalidDataException("Value without tag"),
                          simple ?? throw new InvalidDataException($"Value '{tag}' without simple_value"));
        }
    }

    readonly record struct FieldValue(ulong Varint, ulong Fixed, byte[] Bytes);

    /// <summary>Every (field number, wire type, value) of a message, in order.</summary>
    static List<(int Number, int Wire, FieldValue Value)> Fields(byte[] m)
    {
        var fields = new List<(int, int, FieldValue)>();
        var at = 0;
        while (at < m.Length)
        {
            var key = Varint(m, ref at);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: fields.Add((number, wire, new FieldValue(Varint(m, ref at), 0, []))); break;
                case 1: fields.Add((number, wire, new FieldValue(0, Fixed(m, ref at, 8), []))); break;
                case 5: fields.Add((number, wire, new FieldValue(0, Fixed(m, ref at, 4), []))); break;
                case 2:
                    var n = (int)Varint(m, ref at);
                    if (n < 0 || at + n > m.Length) throw new InvalidDataException("length-delimited field overruns");
                    fields.Add((number, wire, new FieldValue(0, 0, m[at..(at + n)])));
                    at += n;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
        return fields;
    }

    static ulong Varint(byte[] m, ref int at)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= m.Length) throw new InvalidDataException("truncated varint");
            var b = m[at++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }

    static ulong Fixed(byte[] m, ref int at, int size)
    {
        if (at + size > m.Length) throw new InvalidDataException("truncated fixed field");
        ulong v = 0;
        for (var i = size - 1; i >= 0; i--) v = v << 8 | m[at + i];
        at += size;
        return v;
    }
}
