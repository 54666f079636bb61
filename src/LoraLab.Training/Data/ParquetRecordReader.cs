using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using LoraLab.IO;
using Parquet;
using Parquet.Serialization;

namespace LoraLab.Training.Data;

/// <summary>
/// Apache Parquet files (the Hugging Face Hub's dataset format) through Parquet.Net's untyped deserializer: every
/// row becomes a <see cref="DataRecord"/> numbered from 1 (positions read "row N"), strings and numbers map to JSON
/// values, lists to arrays and structs to objects (a <c>messages</c> column of list&lt;struct&lt;role, content&gt;&gt;
/// reads like a JSON chat record). Unannotated byte arrays are read as UTF-8 strings (older writers, e.g. Impala,
/// leave string columns unannotated). A file Parquet.Net cannot read stops with one line naming it.
/// </summary>
internal static class ParquetRecordReader
{
    public static DataTable Read(string path)
    {
        if (!File.Exists(path)) throw new LoraLabException($"data file not found: {path}", ExitCodes.BadInput);
        IList<Dictionary<string, object>> rows;
        IReadOnlyList<string> columns;
        try
        {
            using var stream = File.OpenRead(path);
            var options = new ParquetOptions { TreatByteArrayAsString = true };
            var result = ParquetSerializer.DeserializeUntypedAsync(stream, options).GetAwaiter().GetResult();
            rows = result.Data;
            columns = result.Schema.Fields.Select(f => f.Name).ToList();
        }
        catch (Exception ex) when (ex is not LoraLabException and not OutOfMemoryException)
        {
            throw new LoraLabException($"{path}: not a readable Parquet file ({ex.GetType().Name}: {ex.Message})",
                                       ExitCodes.BadInput, ex);
        }
        var records = new List<DataRecord>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var obj = new JsonObject();
            foreach (var (key, value) in rows[i]) obj[key] = ToNode(value);
            records.Add(new DataRecord(i + 1, obj));
        }
        return new DataTable(path, DataFormat.Parquet, records, "row") { Columns = columns };
    }

    /// <summary>A Parquet value as JSON: null, string, bool, number, array (lists) or object (structs, maps).</summary>
    internal static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        byte or sbyte or short or ushort or int or uint or long =>
            JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float f => JsonValue.Create((double)f),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        DateTime t => JsonValue.Create(t.ToString("O", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("O", CultureInfo.InvariantCulture)),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        IDictionary<string, object> dict =>
            new JsonObject(dict.Select(kv => KeyValuePair.Create(kv.Key, ToNode(kv.Value)))),
        IDictionary dict => new JsonObject(dict.Keys.Cast<object>().Select(k =>
            KeyValuePair.Create(Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", ToNode(dict[k])))),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
