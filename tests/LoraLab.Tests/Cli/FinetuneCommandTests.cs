using System.Text.Json;
using LoraLab.Core.Adapters;
using LoraLab.IO;

namespace LoraLab.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class FinetuneCommandTests
{
    [Fact]
    public void Finetune_UnknownSetKey_ExitsUsageWithOneLine()
    {
        var result = CliTester.Run("finetune", "--set", "optim.lrr=1", "--out", CliTester.TempDir());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown key 'optim.lrr'", result.Error);
    }

    [Theory]
    [InlineData("--resume", "{dir}", "--set", "steps=3")]
    [InlineData("--resume", "{dir}", "--out", "{dir}")]
    [InlineData("--set", "steps=3")]
    public void Finetune_ResumeWithOverridesOrNoOut_ExitsUsageWithOneLine(params string[] args)
    {
        var dir = CliTester.TempDir();
        var result = CliTester.Run(["finetune", .. args.Select(a => a.Replace("{dir}", dir))]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("--resume", result.Error);
    }

    [Fact]
    public void Finetune_ResumeFolderWithoutConfig_ExitsUsage()
    {
        var result = CliTester.Run("finetune", "--resume", CliTester.TempDir());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("no config.json there", result.Error);
    }

    [Fact]
    public void Finetune_Stories260kOnTinyshakespeare_LowersPerplexityAndWritesRun()
    {
        // A few steps on a slice of the data; paths absolute so the test does not depend on the working directory.
        var dir = CliTester.TempDir();
        var text = RepoPaths.Data("tinyshakespeare/input.txt");
        var result = CliTester.Run("finetune", "--config",
                                   Path.Combine(RepoPaths.Root, "configs", "stories260k-tinyshakespeare.json"),
            "--set", $"model.path={RepoPaths.Data("stories260K/stories260K.bin")}",
            "--set", $"model.tokenizer_path={RepoPaths.Data("stories260K/tok512.bin")}",
            "--set", $"data.train_path={text}", "--set", $"data.eval_path={text}",
            "--set", "steps=8", "--set", "eval_every=0", "--set", "max_seq_len=64",
            "--set", "data.max_train_examples=64", "--set", "data.max_eval_examples=32", "--out", dir);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("completed: perplexity", result.Output);
        Assert.Contains("data train", result.Error);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json"))).RootElement;
        var before = json.GetProperty("initial_metrics").GetProperty("perplexity").GetDouble();
        var after = json.GetProperty("final_metrics").GetProperty("perplexity").GetDouble();
        Assert.True(after < before, $"perplexity {before} -> {after}");
        Assert.Equal(2, json.GetProperty("data").GetArrayLength());
        Assert.Equal("tinyshakespeare", json.GetProperty("config").GetProperty("task").GetString());
        var adapter = PeftAdapter.Read(Path.Combine(dir, "adapter"));
        Assert.Equal("CAUSAL_LM", adapter.Config.TaskType);
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", adapter.Tensors.Keys);
    }
}
