using System.Text.Json;
using LoraLab.Core.Config;

namespace LoraLab.Training.Recipes;

/// <summary>DIR/metrics.jsonl: one compact JSON object per line, flushed as written (a crashed run keeps its history).
/// No wall-clock values, so the same seed gives the same file. A resumed run opens it with the byte count its
/// checkpoint recorded: lines written after that step (by the run that was killed) are cut off and rewritten.</summary>
public sealed class MetricsLog : IDisposable
{
    static readonly JsonSerializerOptions Compact = new(ConfigJson.Options)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> keeping its first <paramref name="keepBytes"/> bytes (0: a new file).</summary>
    public MetricsLog(string path, long keepBytes = 0)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (stream.Length < keepBytes)
        {
            stream.Dispose();
            throw new Core.LoraLabException($"{path}: {stream.Length} bytes, shorter than the {keepBytes} the checkpoint recorded",
                                            Core.ExitCodes.BadInput);
        }
        stream.SetLength(keepBytes);
        stream.Seek(0, SeekOrigin.End);
        _writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>Bytes written so far (what a checkpoint records).</summary>
    public long Bytes => _writer.BaseStream.Position;

    public void Write(StepRecord record) => _writer.WriteLine(JsonSerializer.Serialize(record, Compact));

    public void Dispose() => _writer.Dispose();
}
