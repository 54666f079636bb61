using System.Text.Json;
using System.Text.Unicode;
using static LoraLab.IO.Safetensors.SafetensorsErrors;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// Parses the header JSON strictly (huggingface/safetensors <c>tensor.rs</c> <c>read_metadata</c>/<c>validate</c>):
/// UTF-8, an object starting with '{' (trailing whitespace allowed), no duplicate keys, <c>__metadata__</c> a
/// string→string map, each tensor exactly {dtype, shape, data_offsets} with non-negative integers, a known dtype,
/// END ≥ BEGIN and END − BEGIN = numel × size (overflow checked). Layout across tensors is checked by
/// <see cref="SafetensorsLayout"/>. A forward-only <see cref="Utf8JsonReader"/> allocates only what it returns.
/// </summary>
internal static class SafetensorsHeaderParser
{
    public const string MetadataKey = "__metadata__";

    public static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, string file)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw Fail(file, "header does not start with '{' (not a safetensors file?)");
        if (!Utf8.IsValid(json)) throw Fail(file, "header is not valid UTF-8");
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
        try
        {
            return ParseRoot(ref reader, file);
        }
        catch (JsonException ex)
        {
            throw Fail(file, $"header is not valid JSON: {OneLine(ex.Message)}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString on an escape that is not valid UTF-16 (a lone surrogate).
            throw Fail(file, $"header has an invalid string: {OneLine(ex.Message)}", ex);
        }
    }

    static (List<SafetensorsEntry>, Dictionary<string, string>) ParseRoot(ref Utf8JsonReader reader, string file)
    {
        reader.Read(); // StartObject: the first byte is '{'
        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!seen.Add(key)) throw Fail(file, $"duplicate key {Quote(key)} in header");
            reader.Read();
            if (key == MetadataKey) ParseMetadata(ref reader, metadata, file);
            else entries.Add(ParseEntry(ref reader, key, file));
        }
        if (reader.Read()) throw Fail(file, "unexpected content after the header object");
        return (entries, metadata);
    }

    static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string file)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Fail(file, $"{MetadataKey} must be an object of strings, got {Describe(reader.TokenType)}");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw Fail(file, $"{MetadataKey} value {Quote(key)} must be a string, " +
                                 $"got {Describe(reader.TokenType)}");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw Fail(file, $"duplicate key {Quote(key)} in {MetadataKey}");
        }
    }

    static SafetensorsEntry ParseEntry(ref Utf8JsonReader reader, string name, string file)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Fail(file, $"tensor {Quote(name)} must be an object, got {Describe(reader.TokenType)}");
        string? dtypeText = null;
        List<long>? shape = null, offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype" when dtypeText is null:
                    if (reader.TokenType != JsonTokenType.String)
                        throw Fail(file, $"tensor {Quote(name)}: dtype must be a string, " +
                                         $"got {Describe(reader.TokenType)}");
                    dtypeText = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, name, "shape", file);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, name, "data_offsets", file);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail(file, $"tensor {Quote(name)}: duplicate field '{field}'");
                default:
                    throw Fail(file, $"tensor {Quote(name)}: unknown field {Quote(field)} (expected dtype, shape, " +
                                     "data_offsets)");
            }
        }
        if (dtypeText is null) throw Fail(file, $"tensor {Quote(name)} lacks 'dtype'");
        if (shape is null) throw Fail(file, $"tensor {Quote(name)} lacks 'shape'");
        if (offsets is null) throw Fail(file, $"tensor {Quote(name)} lacks 'data_offsets'");
        return Build(name, dtypeText, shape, offsets, file);
    }

    static SafetensorsEntry Build(string name, string dtypeText, List<long> shape, List<long> offsets, string file)
    {
        if (!SafetensorsDTypeInfo.TryParse(dtypeText, out var dtype))
            throw Fail(file, $"tensor {Quote(name)} has unknown dtype {Quote(dtypeText)}");
        if (offsets.Count != 2)
            throw Fail(file, $"tensor {Quote(name)}: data_offsets must be [BEGIN, END], got {offsets.Count} numbers");
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw Fail(file, $"tensor {Quote(name)}: data_offsets [{begin},{end}] end before they begin");
        var expected = ExpectedBytes(name, dtype, shape, file);
        if (end - begin != expected)
            throw Fail(file, $"tensor {Quote(name)} byte span {end - begin} does not match shape {Shape(shape)} × "
                             + $"{dtype.SpecName()} ({expected} bytes)");
        return new SafetensorsEntry(name, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>numel × bits / 8, overflow checked; sub-byte dtypes must fill whole bytes.</summary>
    static long ExpectedBytes(string name, SafetensorsDType dtype, List<long> shape, string file)
    {
        try
        {
            long elements = 1;
            foreach (var d in shape) elements = checked(elements * d);
            var bits = checked(elements * dtype.BitSize());
            if (bits % 8 != 0)
                throw Fail(file, $"tensor {Quote(name)}: " +
                                 $"{elements} × {dtype.SpecName()} is not a whole number of bytes");
            return bits / 8;
        }
        catch (OverflowException)
        {
            throw Fail(file, $"tensor {Quote(name)}: shape {Shape(shape)} × {dtype.SpecName()} overflows");
        }
    }

    /// <summary>An array of JSON integers in [0, 2^63): what serde reads as <c>usize</c>, bounded to
    /// <c>long</c>.</summary>
    static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string field, string file)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Fail(file, $"tensor {Quote(name)}: {field} must be an array, got {Describe(reader.TokenType)}");
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
                throw Fail(file, $"tensor {Quote(name)}: {field} holds {Describe(reader.TokenType)}, " +
                                 "expected integers");
            if (!reader.TryGetInt64(out var value) || value < 0)
                throw Fail(file, $"tensor {Quote(name)}: " +
                                 $"{field} value {RawNumber(ref reader)} is not a non-negative integer");
            values.Add(value);
        }
        return values;
    }

    static string RawNumber(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        var text = System.Text.Encoding.UTF8.GetString(raw.Length <= 40 ? raw : raw[..40]);
        return raw.Length <= 40 ? text : text + "…";
    }

    static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
