using System.Text.Json;
using LoraLab.Core.Config;

namespace LoraLab.Training.Recipes;

/// <summary>DIR/metrics.jsonl: one compact JSON object per line, flushed as written (a crashed run keeps its history).
/// No wall-clock values, so the same seed gives the same file.</summary>
public sealed class MetricsLog : IDisposable
{
    static readonly JsonSerializerOptions Compact = new(ConfigJson.Options)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    readonly StreamWriter _writer;

    public MetricsLog(string path)
    {
        _writer = new StreamWriter(path, append: false) { AutoFlush = true, NewLine = "\n" };
    }

    public void Write(StepRecord record) => _writer.WriteLine(JsonSerializer.Serialize(record, Compact));

    public void Dispose() => _writer.Dispose();
}
