using System.Text.Json;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.TensorBoard;

namespace LoraLab.Training.Recipes;

/// <summary>DIR/metrics.jsonl: one compact JSON object per line, flushed as written (a crashed run keeps its history).
/// No wall-clock values, so the same seed gives the same file. A resumed run opens it with the byte count its
/// checkpoint recorded: lines written after that step (by the run that was killed) are cut off and rewritten.
/// Each record also goes to an optional second sink (<see cref="Open"/>: TensorBoard event files in the same
/// folder).</summary>
internal sealed class MetricsLog : IDisposable
{
    internal static readonly JsonSerializerOptions JsonOptions = new(ConfigJson.Options)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    readonly StreamWriter _writer;
    readonly IMetricsSink? _sink;

    /// <summary>Opens <paramref name="path"/> keeping its first <paramref name="keepBytes"/> bytes (0: a new
    /// file).</summary>
    public MetricsLog(string path, long keepBytes = 0, IMetricsSink? sink = null)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (stream.Length < keepBytes)
        {
            stream.Dispose();
            throw new LoraLabException($"{path}: {stream.Length} bytes, " +
                                       $"shorter than the {keepBytes} the checkpoint recorded",
                                            ExitCodes.BadInput);
        }
        stream.SetLength(keepBytes);
        stream.Seek(0, SeekOrigin.End);
        _writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        _sink = sink;
    }

    /// <summary><paramref name="path"/> as above, plus a new DIR/events.out.tfevents.* beside it when
    /// <paramref name="tensorboard"/> (a resumed run starts a new one; TensorBoard drops the killed run's events past
    /// the resumed step when it sees the step go back).</summary>
    public static MetricsLog Open(string path, long keepBytes, bool tensorboard)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var sink = tensorboard ? new TensorBoardMetricsSink(TensorBoardWriter.Create(directory)) : null;
        return new(path, keepBytes, sink);
    }

    /// <summary>Bytes written so far (what a checkpoint records).</summary>
    public long Bytes => _writer.BaseStream.Position;

    public void Write(StepRecord record)
    {
        _writer.WriteLine(JsonSerializer.Serialize(record, JsonOptions));
        _sink?.Write(record);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _sink?.Dispose();
    }
}
