using LoraLab.Models.Llama;
using LoraLab.Training.Recipes;
using LoraLab.Tests.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class FinetuneTaskFactoryTokenizerTests(Stories260K stories) : IClassFixture<Stories260K>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loralab-ft-tokjson-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_HfLlamaFolderWithOnlyTokenizerJson_GivesTheSameExamplesAsTheBin()
    {
        // Given
        HfLlama.Save(stories.Model, _dir, llama2cTokenizer: Stories260K.TokenizerPath);
        File.Delete(Path.Combine(_dir, HfLlama.Llama2cTokenizerFile));
        var config = new FinetuneConfig
        {
            Model = new ModelSpec { Kind = ModelKind.HfLlama, Path = _dir },
            Task = FinetuneTask.Tinyshakespeare,
            Data = new DataSpec
            {
                TrainPath = RepoPaths.Data("tinyshakespeare/input.txt"),
                    EvalPath = RepoPaths.Data("tinyshakespeare/input.txt"),
                TrainFraction = 0.9, MaxTrainExamples = 8, MaxEvalExamples = 2,
            },
            MaxSeqLen = 32,
        };

        // When
        using var fromJson = FinetuneTaskFactory.Create(config, TextWriter.Null);
        using var fromBin = FinetuneTaskFactory.Create(
            config with { Model = config.Model with { TokenizerPath = Stories260K.TokenizerPath } }, TextWriter.Null);

        // Then
        Assert.Equal(fromBin.TrainExamples, fromJson.TrainExamples);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Equal(fromBin.Loss([0, 1, 2, 7]).item<float>(), fromJson.Loss([0, 1, 2, 7]).item<float>());
    }
}
