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

        var events = EventFileReader.Read(File.ReadAllBytes(Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"))));
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(lines.Count + 1, events.Count);
        foreach (var (line, e) in lines.Zip(events.Skip(1)))
        {
            Assert.Equal(line.GetProperty("step").GetInt32(), e.Step);
            var scalars = e.Scalars.ToDictionary(s => s.Tag, s => s.Value);
            if (line.GetProperty("kind").GetString() == "train")
            {
                Assert.Equal((float)line.GetProperty("loss").GetDouble(), scalars["train/loss"]);
                Assert.Equal((float)line.GetProperty("grad_norm_b").GetDouble(), scalars["train/grad_norm_b"]);
                Assert.Equal((float)line.GetProperty("z_a_rms")[1].GetDouble(), scalars["train/z_a_rms/1"]);
                Assert.Equal((float)line.GetProperty("lr").GetProperty("lora_B").GetDouble(), scalars["train/lr/lora_B"]);
            }
            else
                Assert.Equal((float)line.GetProperty("metrics").GetProperty("accuracy").GetDouble(), scalars["eval/accuracy"]);
        }
    }

    [Fact]
    public void Train_TensorboardFalse_NoEventFile()
    {
        using var dir = new TempDirectory();
        using (var task = new TinyTask(seed: 0)) FinetuneRecipe.Train(Config with { Tensorboard = false }, task, dir.Path, TextWriter.Null);
        Assert.Empty(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
    }
}
