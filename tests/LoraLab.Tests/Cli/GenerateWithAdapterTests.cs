using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.Models.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class GenerateWithAdapterTests
{
    static string Bin => RepoPaths.Data("stories260K/stories260K.bin");
    static string Tok => RepoPaths.Data("stories260K/tok512.bin");

    [Fact]
    public void Generate_WithAdapter_MergedAndUnmergedGiveTheSameTextAndDifferFromBase()
    {
        // Given an adapter with a large non-zero B on q_proj/v_proj of stories260K
        torch.manual_seed(3);
        var model = Llama2cCheckpoint.Load(Bin);
        var lora = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] };
        foreach (var layer in LoraInjector.Inject(model, lora).Layers)
            using (no_grad()) layer.Layer.LoraB.normal_(0, 0.5);
        var dir = Path.Combine(CliTester.TempDir(), "adapter");
        PeftAdapter.Save(dir, model, lora, new AdapterSaveInfo("stories260K", "CAUSAL_LM", new LoralabAdapterExtras()));
        string[] common =
            ["generate", Bin, "--tokenizer", Tok, "--prompt", "Once upon a time", "--set", "max_new_tokens=40"];

        // When
        var plain = CliTester.Run(common);
        var adapted = CliTester.Run([.. common, "--adapter", dir]);
        var merged = CliTester.Run([.. common, "--adapter", dir, "--merge"]);

        // Then
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(adapted.ExitCode == 0, adapted.Error);
        Assert.True(merged.ExitCode == 0, merged.Error);
        Assert.Contains("Once upon a time", plain.Output);
        Assert.Equal(adapted.Output, merged.Output);
        Assert.NotEqual(plain.Output, adapted.Output);
    }
}
