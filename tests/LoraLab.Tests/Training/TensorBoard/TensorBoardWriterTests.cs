using System.Text.Json;
using LoraLab.Training.Recipes;
using LoraLab.Training.TensorBoard;

namespace LoraLab.Tests.Training.TensorBoard;

/// <summary>
/// The event-file writer against tools/tensorboard_fixture.py (an independent Python implementation of the framing
/// and protobufs: same inputs, same bytes) and against <see cref="EventFileReader"/> (decodes the framing, checks both
/// CRCs, parses the protobuf).
/// </summary>
public sealed class TensorBoardWriterTests
{
    static readonly string FixtureDir = RepoPaths.Fixture("TensorBoard");

    sealed record FixtureEvent(double WallTime, long Step, List<JsonElement> Scalars);
    sealed record Fixture(double FileVersionWallTime, List<FixtureEvent> Events);

    static Fixture LoadFixture() => JsonSerializer.Deserialize<Fixture>(
        File.ReadAllText(Path.Combine(FixtureDir, "scalars.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    static List<(string Tag, float Value)> Scalars(FixtureEvent e) =>
        e.Scalars.Select(s => (s[0].GetString()!, (float)s[1].GetDouble())).ToList();

    [Fact]
    public void Writer_SameScalarsAndWallTimes_BytesEqualPythonReference()
    {
        var fixture = LoadFixture();
        var clock = new Queue<double>([fixture.FileVersionWallTime, .. fixture.Events.Select(e => e.WallTime)]);
        var stream = new MemoryStream();
        using (var writer = new TensorBoardWriter(stream, clock.Dequeue))
            foreach (var e in fixture.Events) writer.AddScalars(e.Step, Scalars(e));

        Assert.Equal(File.ReadAllBytes(Path.Combine(FixtureDir, "scalars.tfevents")), stream.ToArray());
    }

    [Fact]
    public void Reader_PythonReference_DecodesEveryValue()
    {
        var fixture = LoadFixture();
        var events = EventFileReader.Read(File.ReadAllBytes(Path.Combine(FixtureDir, "scalars.tfevents")));

        Assert.Equal(fixture.Events.Count + 1, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(fixture.FileVersionWallTime, events[0].WallTime);
        for (var i = 0; i < fixture.Events.Count; i++)
        {
            Assert.Equal(fixture.Events[i].WallTime, events[i + 1].WallTime);
            Assert.Equal(fixture.Events[i].Step, events[i + 1].Step);
            Assert.Equal(Scalars(fixture.Events[i]), events[i + 1].Scalars);
        }
    }

    [Theory]
    [InlineData(3)]    // inside the length
    [InlineData(9)]    // the length's CRC
    [InlineData(20)]   // the data
    [InlineData(-1)]   // the last record's data CRC
    public void Reader_OneByteChanged_Rejected(int offset)
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixtureDir, "scalars.tfevents"));
        bytes[offset < 0 ? bytes.Length + offset : offset] ^= 0x10;
        Assert.Throws<InvalidDataException>(() => EventFileReader.Read(bytes));
    }

    [Fact]
    public void Crc32C_CheckValue()
    {
        var check = "123456789"u8;
        Assert.Equal(0xE3069283u, EventFileReader.Crc32C(check));
        Assert.Equal(0xE3069283u, MaskedCrc32C.Compute(check));
    }

    [Fact]
    public void MetricsLog_Open_MirrorsEveryNumberOfMetricsJsonl()
    {
        using var dir = new TempDirectory();
        var train = new StepRecord
        {
            Step = 7, Epoch = 0.25, Loss = 0.6931,
                Lr = new Dictionary<string, double> { ["lora_A"] = 3e-3, ["other"] = 1e-3 },
            GradNormA = 0.5, GradNormB = double.NaN, GradNorm = 1.5, Clipped = true, ZaRms = [1.25, 2.5],
            ZbRms = [0, 1e-4],
        };
        var eval = new StepRecord { Kind = "eval", Step = 8, Epoch = 0.5,
                                   Metrics = new Dictionary<string, double> { ["accuracy"] = 0.875 } };
        using (var log = MetricsLog.Open(Path.Combine(dir.Path, "metrics.jsonl"), 0, tensorboard: true))
        {
            log.Write(train);
            log.Write(eval);
        }

        var file = Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
        Assert.Matches(@"events\.out\.tfevents\.\d{10}\.\S+$", Path.GetFileName(file));
        var events = EventFileReader.Read(File.ReadAllBytes(file));
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(7, events[1].Step);
        Assert.Equal(
            [("train/epoch", 0.25f), ("train/loss", 0.6931f), ("train/lr/lora_A", 3e-3f), ("train/lr/other", 1e-3f),
             ("train/grad_norm_a", 0.5f), ("train/grad_norm_b", float.NaN), ("train/grad_norm", 1.5f),
             ("train/clipped", 1f), ("train/z_a_rms/0", 1.25f), ("train/z_a_rms/1", 2.5f), ("train/z_b_rms/0", 0f),
             ("train/z_b_rms/1", 1e-4f)],
            events[1].Scalars);
        Assert.Equal(8, events[2].Step);
        Assert.Equal([("eval/epoch", 0.5f), ("eval/accuracy", 0.875f)], events[2].Scalars);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(events[2].WallTime, now - 3600, now + 3600);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir.Path, "metrics.jsonl")).Length);
    }

    [Fact]
    public void MetricsLog_Open_WithoutTensorboard_WritesNoEventFile()
    {
        using var dir = new TempDirectory();
        using (var log = MetricsLog.Open(Path.Combine(dir.Path, "metrics.jsonl"), 0, tensorboard: false))
            log.Write(new StepRecord { Step = 1, Loss = 1 });
        Assert.Empty(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
    }
}
