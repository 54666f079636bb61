using System.Text;
using System.Text.Json.Nodes;
using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// CSV and TSV files with a header row, quoted per RFC 4180: a field that starts with '"' runs to the next lone '"'
/// and may hold the delimiter, line breaks and doubled quotes ("" = one '"'); a '"' inside an unquoted field is kept
/// as it is (Python's csv module does the same). Lines end in "\n" or "\r\n"; a UTF-8 BOM is dropped; blank lines
/// are skipped. A row with the wrong field count or text after a closing quote is a bad row; a quote left open at
/// the end of the file, a bad header or invalid UTF-8 stops the read with one line naming file:line.
/// </summary>
internal static class DelimitedTextReader
{
    public static DataTable Read(string path, char delimiter)
    {
        var text = TextCorpus.ReadText(path).TrimStart('\uFEFF');
        var rows = Parse(text, delimiter, path);
        if (rows.Count == 0 || rows[0].Fields is null)
            throw new LoraLabException($"{path}:1: expected a header row naming the columns", ExitCodes.BadInput);
        var header = rows[0].Fields!;
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i].Trim().Length == 0)
                throw new LoraLabException($"{path}:{rows[0].Line}: header column {i + 1} has no name",
                                           ExitCodes.BadInput);
            if (header.IndexOf(header[i]) != i)
                throw new LoraLabException($"{path}:{rows[0].Line}: header names column '{header[i]}' twice",
                                           ExitCodes.BadInput);
        }
        var records = new List<DataRecord>(rows.Count - 1);
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields is null) { records.Add(new DataRecord(row.Line, null, row.Error)); continue; }
            if (row.Fields.Count != header.Count)
            {
                records.Add(new DataRecord(row.Line, null, $"expected {header.Count} fields, got {row.Fields.Count}"));
                continue;
            }
            var obj = new JsonObject();
            for (var i = 0; i < header.Count; i++) obj[header[i]] = row.Fields[i];
            records.Add(new DataRecord(row.Line, obj));
        }
        return new DataTable(path, delimiter == '\t' ? DataFormat.Tsv : DataFormat.Csv, records) { Columns = header };
    }

    /// <summary>One parsed row: its first line and fields, or why it could not be parsed.</summary>
    internal sealed record Row(int Line, List<string>? Fields, string? Error = null);

    internal static List<Row> Parse(string text, char delimiter, string source)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, rowLine, i) = (1, 1, 0);
        string? error = null;
        var quotedSeen = false;

        void EndRow()
        {
            fields.Add(field.ToString());
            field.Clear();
            var blank = fields.Count == 1 && fields[0].Length == 0 && !quotedSeen;
            if (error is not null) rows.Add(new Row(rowLine, null, error));
            else if (!blank) rows.Add(new Row(rowLine, fields));
            fields = [];
            (error, quotedSeen) = (null, false);
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0 && error is null)
            {
                // Quoted field: up to the next '"' that is not doubled.
                quotedSeen = true;
                var openLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw new LoraLabException(
                            $"{source}:{openLine}: quoted field opened on this line is never closed",
                            ExitCodes.BadInput);
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    field.Append(text[i++]);
                }
                if (i < text.Length && text[i] != delimiter && text[i] != '\n' && text[i] != '\r')
                    error = $"text after the closing quote of field {fields.Count + 1}";
                continue;
            }
            if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; }
            if (c == '\n')
            {
                EndRow();
                line++;
                rowLine = line;
                i++;
                continue;
            }
            if (error is null) field.Append(c);
            i++;
        }
        if (field.Length > 0 || fields.Count > 0 || quotedSeen) EndRow();
        return rows;
    }
}
