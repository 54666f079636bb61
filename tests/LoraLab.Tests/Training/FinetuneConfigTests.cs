using LoraLab.Core;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Data;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

public sealed class FinetuneConfigTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(new FinetuneConfig().Validate());
    }

    [Fact]
    public void Load_UnknownKey_IsAnError()
    {
        var ex = Assert.Throws<LoraLabException>(
            () => ConfigLoader.Load<FinetuneConfig>(null, ["optim.learning_rate=1e-3"]));

        Assert.Contains("unknown key 'optim.learning_rate'", ex.Message);
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void Load_KebabEnumsAndNestedKeys_Parse()
    {
        var config = ConfigLoader.Load<FinetuneConfig>(null,
            ["model.kind=llama2c", "task=wikitext2", "schedule.decay=cosine", "lora.init=b", "data.on_bad_rows=skip",
             "pooling=mean"]);

        Assert.Equal(ModelKind.Llama2c, config.Model.Kind);
        Assert.Equal(FinetuneTask.Wikitext2, config.Task);
        Assert.Equal(LrDecay.Cosine, config.Schedule.Decay);
        Assert.Equal(LoraInit.B, config.Lora.Init);
        Assert.Equal(BadRowPolicy.Skip, config.Data.OnBadRows);
        Assert.Equal(["q_proj", "v_proj"], config.ResolvedLora().TargetModules);
    }

    [Theory]
    [InlineData("task=wikitext2", "needs a decoder model")]
    [InlineData("epochs=2", "steps and epochs are both set")]
    [InlineData("lora.rank=0", "lora.rank must be >= 1")]
    [InlineData("optim.lr=-1", "optim.lr must be a positive")]
    [InlineData("model.kind=hf-bert", "model.path must name the Hugging Face folder for model.kind hf-bert")]
    public void Load_InvalidCombination_ListsTheProblem(string set, string expected)
    {
        var ex = Assert.Throws<LoraLabException>(() => ConfigLoader.Load<FinetuneConfig>(null, [set]));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void RepoConfigs_AllLoadAndValidate()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "configs"), "*.json")
            .Where(f => Path.GetFileName(f).StartsWith("minilm-") || Path.GetFileName(f).StartsWith("stories260k-"))
                .ToList();

        Assert.True(files.Count >= 5);
        foreach (var file in files) ConfigLoader.Load<FinetuneConfig>(file);
    }
}
