using System.Text;

namespace LoraLab.Training.TensorBoard;

/// <summary>
/// Hand-encoded protobuf (proto3 wire format) of the two messages a scalar event file needs
/// (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto):
/// <code>
/// Event   { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
/// Summary { repeated Value value = 1; }
/// Value   { string tag = 1; oneof value { float simple_value = 2; } }
/// </code>
/// Proto3 leaves out scalar fields at their default (step 0, wall_time 0); oneof members are always written.
/// </summary>
internal static class EventProto
{
    // Key byte = field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
    const byte WallTimeKey = 1 << 3 | 1, StepKey = 2 << 3 | 0, FileVersionKey = 3 << 3 | 2, SummaryKey = 5 << 3 | 2;
    const byte ValueKey = 1 << 3 | 2, TagKey = 1 << 3 | 2, SimpleValueKey = 2 << 3 | 5;

    /// <summary>The first event of every file: <c>file_version: "brain.Event:2"</c>.</summary>
    public static byte[] FileVersion(double wallTime, string version = "brain.Event:2")
    {
        var w = new ProtoWriter();
        w.Double(WallTimeKey, wallTime);
        w.Bytes(FileVersionKey, Encoding.UTF8.GetBytes(version));
        return w.ToArray();
    }

    /// <summary>An event holding one Summary with a simple_value per (tag, value), in the given order.</summary>
    public static byte[] Scalars(double wallTime, long step, IEnumerable<(string Tag, float Value)> scalars)
    {
        var summary = new ProtoWriter();
        foreach (var (tag, value) in scalars)
        {
            var v = new ProtoWriter();
            v.Bytes(TagKey, Encoding.UTF8.GetBytes(tag));
            v.Float(SimpleValueKey, value);
            summary.Bytes(ValueKey, v.ToArray());
        }
        var w = new ProtoWriter();
        w.Double(WallTimeKey, wallTime);
        if (step != 0) w.Varint(StepKey, (ulong)step);
        w.Bytes(SummaryKey, summary.ToArray());
        return w.ToArray();
    }

    sealed class ProtoWriter
    {
        readonly MemoryStream _bytes = new();

        public void Double(byte key, double value)
        {
            if (value == 0) return;
            _bytes.WriteByte(key);
            Span<byte> b = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(b, value);
            _bytes.Write(b);
        }

        public void Float(byte key, float value)
        {
            _bytes.WriteByte(key);
            Span<byte> b = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(b, value);
            _bytes.Write(b);
        }

        public void Varint(byte key, ulong value)
        {
            _bytes.WriteByte(key);
            WriteVarint(value);
        }

        public void Bytes(byte key, ReadOnlySpan<byte> value)
        {
            _bytes.WriteByte(key);
            WriteVarint((ulong)value.Length);
            _bytes.Write(value);
        }

        void WriteVarint(ulong value)
        {
            for (; value >= 0x80; value >>= 7) _bytes.WriteByte((byte)(value | 0x80));
            _bytes.WriteByte((byte)value);
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
