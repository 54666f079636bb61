using LoraLab.Core.Adapters;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

/// <summary>The classification path end to end on the real MiniLM (loading it takes seconds, hence Slow).</summary>
[Collection(TorchCollection.Name)]
public sealed class MiniLmFinetuneTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Run_MrpcPairsFewSteps_ReportsF1AndSavesHeadWithAdapter()
    {
        using var dir = new TempDirectory();
        var config = new FinetuneConfig
        {
            Task = FinetuneTask.Mrpc, Steps = 3, BatchSize = 8, EvalEvery = 0, MaxSeqLen = 48,
            Data = new DataSpec
            {
                TrainPath = RepoPaths.Data("mrpc/train.tsv"), EvalPath = RepoPaths.Data("mrpc/dev.tsv"),
                MaxTrainExamples = 64, MaxEvalExamples = 16,
            },
        };

        var result = FinetuneRecipe.Run(config, dir.Path, TextWriter.Null);

        Assert.Equal("completed", result.Status);
        Assert.Equal("f1", result.PrimaryMetric);
        Assert.InRange(result.FinalMetrics["f1"], 0, 1);
        Assert.Equal(16, result.FinalMetrics["examples"]);
        Assert.Equal([3668, 408], result.Data.Select(d => d.RowsRead));
        Assert.Equal(12, result.AdaptedLayers.Count);                       // query, value × 6 layers
        var adapter = PeftAdapter.Read(Path.Combine(dir.Path, "adapter"));
        Assert.Equal("SEQ_CLS", adapter.Config.TaskType);
        Assert.Equal(["classifier"], adapter.Config.ModulesToSave);
        Assert.Contains("base_model.model.classifier.weight", adapter.Tensors.Keys);
        Assert.Contains("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight", adapter.Tensors.Keys);
    }
}
