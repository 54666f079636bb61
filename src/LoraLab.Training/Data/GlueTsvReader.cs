using System.Text;
using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// Reads GLUE-style TSV files exactly as written: split on '\n' and '\t' only, no quote processing (fields contain
/// '"'; pandas needs quoting=3 for the same), a leading UTF-8 BOM removed. A row with the wrong column count, an
/// unknown label or an empty text is a bad row: counted, listed with its line number, and handled per
/// <see cref="BadRowPolicy"/>.
/// </summary>
internal static class GlueTsvReader
{
    public static (List<ClassificationExample> Examples, DatasetLoadReport Report) Read(
        string path, TsvFormat format, BadRowPolicy policy, string role = "", double maxBadFraction = 1.0)
    {
        if (!File.Exists(path)) throw new LoraLabException($"data file not found: {path}", ExitCodes.BadInput);
        var lines = File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true))
            .TrimStart('\uFEFF').Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;   // final newline
        var first = 0;
        if (format.Header is { } header)
        {
            if (count == 0 || lines[0] != string.Join('\t', header))
                throw new LoraLabException(
                    $"{path}: line 1 should be the header '{string.Join("\\t", header)}', " +
                    $"got '{(count == 0 ? "" : Shorten(lines[0]))}'",
                    ExitCodes.BadInput);
            first = 1;
        }
        var bad = new BadRowLog(path, policy, maxBadFraction);
        var examples = new List<ClassificationExample>();
        var labelCounts = format.Labels.ToDictionary(l => l, _ => 0);
        for (var i = first; i < count; i++)
        {
            var line = i + 1;
            var fields = lines[i].Split('\t');
            if (fields.Length != format.Columns)
            {
                bad.Add(line, $"expected {format.Columns} columns, got {fields.Length}");
                continue;
            }
            var label = IndexOf(format.Labels, fields[format.LabelColumn]);
            if (label < 0) { bad.Add(line, $"unknown label '{Shorten(fields[format.LabelColumn])}'"); continue; }
            var text = fields[format.TextColumn];
            var pair = format.PairColumn is { } p ? fields[p] : null;
            if (text.Trim().Length == 0 || pair is { } pr && pr.Trim().Length == 0)
            {
                bad.Add(line, "empty text");
                continue;
            }
            examples.Add(new ClassificationExample(text, pair, label, line));
            labelCounts[format.Labels[label]]++;
        }
        bad.ThrowIfNeeded(count - first);
        var report = new DatasetLoadReport
        {
            Source = path, Role = role, RowsRead = count - first, RowsKept = examples.Count, BadRowCount = bad.Count,
            FirstBadRows = bad.First, LabelCounts = labelCounts, Examples = examples.Count,
        };
        return (examples, report);
    }

    static int IndexOf(IReadOnlyList<string> labels, string value)
    {
        for (var i = 0; i < labels.Count; i++)
            if (labels[i] == value) return i;
        return -1;
    }

    static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
