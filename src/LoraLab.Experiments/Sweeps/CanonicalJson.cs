using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// One byte string per JSON value: object keys sorted (ordinal), no whitespace, numbers written as an integer when
/// integral (|x| &lt; 2^53) and as the shortest round-trip double otherwise, so 1e-3 and 0.001 are the same config.
/// Run ids hash this text (SHA-256), never <c>GetHashCode</c>, so they agree across processes and machines.
/// </summary>
internal static class CanonicalJson
{
    static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(JsonNode? node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions)) Write(writer, node);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Lower-case hex SHA-256 of the canonical text.</summary>
    public static string Sha256(JsonNode? node) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(node))));

    /// <summary>A scalar as plain text (strings unquoted, numbers canonical); objects and arrays as canonical
    /// JSON.</summary>
    public static string ScalarText(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Serialize(node);

    static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue value:
                WriteValue(writer, value);
                break;
        }
    }

    static void WriteValue(Utf8JsonWriter writer, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(value.GetValue<double>()), skipInputValidation: true);
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetValue<string>());
                break;
            case JsonValueKind.True: writer.WriteBooleanValue(true); break;
            case JsonValueKind.False: writer.WriteBooleanValue(false); break;
            default: writer.WriteNullValue(); break;
        }
    }

    /// <summary>The canonical text of a number (invariant culture).</summary>
    public static string Number(double x)
    {
        if (Math.Abs(x) < 9007199254740992d && x == Math.Floor(x))
            return ((long)x).ToString(CultureInfo.InvariantCulture);
        return x.ToString("R", CultureInfo.InvariantCulture);
    }
}
