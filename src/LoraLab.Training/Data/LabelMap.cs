using System.Globalization;
using System.Text.Json;
using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// Class names in class-index order for a classification finetune. Built from the training labels unless given:
/// all-integer labels sort numerically (so 0/1 files keep 0 = first class), anything else sorts ordinally. Saved with
/// the adapter as label_map.json in the id2label/label2id form of a Hugging Face config.json; eval labels map through
/// the training map (an unseen label is a bad row).
/// </summary>
internal sealed class LabelMap
{
    public const string FileName = "label_map.json";

    public IReadOnlyList<string> Labels { get; }
    readonly Dictionary<string, int> _index;

    public LabelMap(IReadOnlyList<string> labels)
    {
        Labels = labels;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
            if (!_index.TryAdd(labels[i], i))
                throw new LoraLabException($"data.labels names '{labels[i]}' twice", ExitCodes.Usage);
    }

    public int Count => Labels.Count;

    /// <summary>The class index of <paramref name="label"/>, or -1.</summary>
    public int IndexOf(string label) => _index.GetValueOrDefault(label, -1);

    /// <summary>The configured classes, else the distinct <paramref name="seen"/> labels in numeric or ordinal order.
    /// </summary>
    public static LabelMap Build(IEnumerable<string> seen, IReadOnlyList<string> configured, string source)
    {
        if (configured.Count > 0) return new LabelMap(configured);
        var distinct = seen.Distinct(StringComparer.Ordinal).ToList();
        var numeric = distinct.All(l =>
            long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var ordered = numeric
            ? distinct.OrderBy(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList()
            : distinct.OrderBy(l => l, StringComparer.Ordinal).ToList();
        if (ordered.Count < 2)
            throw new LoraLabException(
                $"{source}: classification needs at least 2 classes, found {ordered.Count} " +
                $"({string.Join(", ", ordered)})",
                ExitCodes.BadInput);
        return new LabelMap(ordered);
    }

    /// <summary>Writes DIR/label_map.json: {"id2label": {"0": name, ...}, "label2id": {name: 0, ...}}.</summary>
    public void Save(string directory)
    {
        var doc = new Dictionary<string, object>
        {
            ["id2label"] = Labels.Select((l, i) => (l, i))
                .ToDictionary(p => p.i.ToString(CultureInfo.InvariantCulture), p => p.l),
            ["label2id"] = Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i),
        };
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName),
                          JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a label_map.json written by <see cref="Save"/>.</summary>
    public static LabelMap Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var id2label = doc.RootElement.GetProperty("id2label");
            var labels = new string[id2label.EnumerateObject().Count()];
            foreach (var p in id2label.EnumerateObject())
                labels[int.Parse(p.Name, CultureInfo.InvariantCulture)] = p.Value.GetString()!;
            return new LabelMap(labels);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException
                                   or IndexOutOfRangeException or InvalidOperationException or IOException)
        {
            throw new LoraLabException($"{path}: not a label map ({ex.Message})", ExitCodes.BadInput, ex);
        }
    }
}
