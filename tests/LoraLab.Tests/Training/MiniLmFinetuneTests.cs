using LoraLab.Core.Adapters;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

/// <summary>The classification path end to end on the real MiniLM (loading it takes seconds, hence Slow).</summary>
[Collection(TorchCollection.Name)]
public sealed class MiniLmFinetuneTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Run_MrpcPairs_LearnsItsTrainingPairs_ReportsF1AndSavesHeadWithAdapter()
    {
        // Given the first 32 MRPC training pairs as both the train and the eval file (two paths, so they are not
        // split): the eval then measures whether LoRA + head fit what they were trained on
        using var dir = new TempDirectory();
        var rows = File.ReadLines(RepoPaths.Data("mrpc/train.tsv")).Take(33).ToList();     // header + 32 pairs
        File.WriteAllLines(dir.File("train.tsv"), rows);
        File.WriteAllLines(dir.File("eval.tsv"), rows);
        var config = new FinetuneConfig
        {
            Task = FinetuneTask.Mrpc, Steps = 24, BatchSize = 16, EvalEvery = 0, MaxSeqLen = 64,
            Data = new DataSpec { TrainPath = dir.File("train.tsv"), EvalPath = dir.File("eval.tsv") },
            Optim = new() { Lr = 3e-3, LrOther = 3e-3 },
        };

        var result = FinetuneRecipe.Run(config, Path.Combine(dir.Path, "run"), TextWriter.Null);

        // Then it learned: from chance (19/32 = 0.59 at step 0, measured) to (nearly) all 32 pairs right
        Assert.Equal("completed", result.Status);
        Assert.Equal("f1", result.PrimaryMetric);
        Assert.InRange(result.InitialMetrics!["accuracy"], 0.4, 0.7);
        Assert.True(result.FinalMetrics["accuracy"] >= 0.9, $"accuracy {result.FinalMetrics["accuracy"]}");
        Assert.True(result.FinalMetrics["f1"] >= 0.9, $"f1 {result.FinalMetrics["f1"]}");
        Assert.True(result.FinalMetrics["loss"] < result.InitialMetrics["loss"] / 4,
            $"eval loss {result.InitialMetrics["loss"]} -> {result.FinalMetrics["loss"]}");
        Assert.Equal(32, result.FinalMetrics["examples"]);
        Assert.Equal([32, 32], result.Data.Select(d => d.RowsRead));
        Assert.Equal(12, result.AdaptedLayers.Count);                       // query, value × 6 layers
        var adapter = PeftAdapter.Read(Path.Combine(dir.Path, "run", "adapter"));
        Assert.Equal("SEQ_CLS", adapter.Config.TaskType);
        Assert.Equal(["classifier"], adapter.Config.ModulesToSave);
        Assert.Contains("base_model.model.classifier.weight", adapter.Tensors.Keys);
        Assert.Contains("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight",
            adapter.Tensors.Keys);
    }
}
