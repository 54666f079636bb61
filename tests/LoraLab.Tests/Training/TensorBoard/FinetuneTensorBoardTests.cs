using System.Text.Json;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training.TensorBoard;

[Collection(TorchCollection.Name)]
public sealed class FinetuneTensorBoardTests
{
    static readonly FinetuneConfig Config = new()
    {
        Steps = 4, BatchSize = 16, EvalEvery = 2, Threads = 1, Lora = new() { Rank = 4, Alpha = 8 },
        Optim = new OptimizerConfig { Lr = 1e-2 }, Schedule = new LrSchedule { Decay = LrDecay.Constant },
    };

    [Fact]
    public void Train_WritesEventFileMatchingMetricsJsonl()
    {
        using var dir = new TempDirectory();
        using (var task = new TinyTask(seed: 0)) FinetuneRecipe.Train(Config, task, dir.Path, TextWriter.Null);

        var events = EventFileReader.Read(File.ReadAllBytes(
            Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"))));
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "metrics.jsonl")).Select(
            l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(lines.Count + 1, events.Count);
        foreach (var (line, e) in lines.Zip(events.Skip(1)))
        {
            Assert.Equal(line.GetProperty("step").GetInt32(), e.Step);
            var kind = line.GetProperty("kind").GetString()!;
            var expected = new Dictionary<string, float>();
            foreach (var p in line.EnumerateObject().Where(p => p.Name is not ("kind" or "step")))
                Numbers(p.Name == "metrics" ? kind : $"{kind}/{p.Name}", p.Value, expected);
            Assert.Equal(expected, e.Scalars.ToDictionary(s => s.Tag, s => s.Value));
        }
        Assert.Contains(events, e => e.Scalars.Any(s => s.Tag == "train/loss"));
        Assert.Contains(events, e => e.Scalars.Any(s => s.Tag == "eval/accuracy"));
    }

    /// <summary>Every number (and boolean as 0/1) of a metrics.jsonl value under its slash-joined JSON path.</summary>
    static void Numbers(string path, JsonElement value, Dictionary<string, float> into)
    {
        if (value.ValueKind == JsonValueKind.Number) into[path] = (float)value.GetDouble();
        else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) into[path] = value.GetBoolean() ? 1 : 0;
        else if (value.ValueKind == JsonValueKind.Object)
            foreach (var p in value.EnumerateObject()) Numbers($"{path}/{p.Name}", p.Value, into);
        else if (value.ValueKind == JsonValueKind.Array)
            foreach (var (item, i) in value.EnumerateArray().Select((v, i) => (v, i)))
                Numbers($"{path}/{i}", item, into);
    }

    [Fact]
    public void Train_TensorboardFalse_NoEventFile()
    {
        using var dir = new TempDirectory();
        using (var task = new TinyTask(seed: 0))
            FinetuneRecipe.Train(Config with { Tensorboard = false }, task, dir.Path, TextWriter.Null);
        Assert.Empty(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
    }
}
