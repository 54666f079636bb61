using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// JSON Lines (one object per line; blank lines skipped; a line that is not a JSON object is a bad row) and JSON
/// arrays of objects (an element that is not an object is a bad row; a syntax error anywhere stops the read with
/// file:line, as nothing after it can be trusted). Duplicate keys in an object are a bad row.
/// </summary>
internal static class JsonRecordReader
{
    public static DataTable ReadLines(string path)
    {
        var lines = TextCorpus.ReadText(path).TrimStart('\uFEFF').Split('\n');
        var records = new List<DataRecord>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            records.Add(ParseObject(line, i + 1));
        }
        return new DataTable(path, DataFormat.Jsonl, records) { Columns = ColumnsOf(records) };
    }

    public static DataTable ReadArray(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(TextCorpus.ReadText(path).TrimStart('\uFEFF'));
        var records = new List<DataRecord>();
        var (line, scanned) = (1, 0);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw new LoraLabException($"{path}:1: expected a JSON array of objects ('[' first)",
                                           ExitCodes.BadInput);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                for (; scanned < reader.TokenStartIndex; scanned++)
                    if (bytes[scanned] == (byte)'\n') line++;
                var node = JsonNode.Parse(ref reader, new JsonNodeOptions());
                records.Add(node is JsonObject obj ? new DataRecord(line, obj)
                                                    : new DataRecord(line, null, $"not a JSON object ({Kind(node)})"));
            }
            if (reader.TokenType != JsonTokenType.EndArray)
                throw new LoraLabException($"{path}: the JSON array is not closed", ExitCodes.BadInput);
            reader.Read();                          // throws on anything but whitespace after ']'
        }
        catch (JsonException ex)
        {
            var at = (ex.LineNumber ?? 0) + 1;
            throw new LoraLabException($"{path}:{at}: malformed JSON ({FirstSentence(ex.Message)})",
                                       ExitCodes.BadInput, ex);
        }
        catch (ArgumentException ex)     // duplicate keys in JsonNode
        {
            throw new LoraLabException($"{path}: malformed JSON ({ex.Message})", ExitCodes.BadInput, ex);
        }
        return new DataTable(path, DataFormat.Json, records) { Columns = ColumnsOf(records) };
    }

    static DataRecord ParseObject(string text, int line)
    {
        try
        {
            var node = JsonNode.Parse(text);
            return node is JsonObject obj
                ? new DataRecord(line, obj)
                : new DataRecord(line, null, $"not a JSON object ({Kind(node)})");
        }
        catch (JsonException ex) { return new DataRecord(line, null, $"malformed JSON ({FirstSentence(ex.Message)})"); }
        catch (ArgumentException ex) { return new DataRecord(line, null, $"malformed JSON ({ex.Message})"); }
    }

    internal static string Kind(JsonNode? node) =>
        node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

    internal static IReadOnlyList<string> ColumnsOf(IEnumerable<DataRecord> records) =>
        records.Where(r => r.Fields is not null).SelectMany(r => r.Fields!.Select(kv => kv.Key)).Distinct().ToList();

    internal static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.');
    }
}
