namespace LoraLab.Training.TensorBoard;

/// <summary>
/// A TensorBoard event file of scalars: <c>DIR/events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c> (the name
/// TensorFlow's EventFileWriter uses), a <c>file_version</c> event first, then one event per
/// <see cref="AddScalars"/>. <c>tensorboard --logdir runs/</c> shows every folder holding such a file as a run.
/// </summary>
internal sealed class TensorBoardWriter : IDisposable
{
    readonly TfRecordWriter _records;
    readonly Func<double> _clock;

    /// <summary>Writes to <paramref name="stream"/>, stamping events with <paramref name="clock"/> (unix
    /// seconds).</summary>
    public TensorBoardWriter(Stream stream, Func<double> clock)
    {
        _records = new TfRecordWriter(stream);
        _clock = clock;
        _records.Write(EventProto.FileVersion(_clock()));
    }

    /// <summary>A new event file in <paramref name="directory"/>, stamped with the wall clock.</summary>
    public static TensorBoardWriter Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var name = $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}";
        var path = Path.Combine(directory, name);
        // A second writer in the same second (a resumed run) gets .1, .2, ...
        for (var n = 1; File.Exists(path); n++) path = Path.Combine(directory, $"{name}.{n}");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        return new TensorBoardWriter(stream, UnixNow);
    }

    static double UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    public void AddScalars(long step, IReadOnlyList<(string Tag, float Value)> scalars)
    {
        if (scalars.Count > 0) _records.Write(EventProto.Scalars(_clock(), step, scalars));
    }

    public void Dispose() => _records.Dispose();
}
