using LoraLab.Core.Adapters;
using LoraLab.Models;
using LoraLab.Tests.Models.Hf;

namespace LoraLab.Tests.Cli;

/// <summary>Zero-config finetune of HF decoder folders with byte-level BPE tokenizers (the tiny fixtures), and the
/// adapter applies back for generate.</summary>
[Collection(TorchCollection.Name)]
public sealed class FinetuneHfFolderTests : IDisposable
{
    private readonly string _dir = CliTester.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The fixtures have a 64-position context and a 120-merge vocabulary: short records.
    private static readonly Dictionary<string, string> Data = new()
    {
        ["lm"] = string.Concat(Enumerable.Repeat("Once upon a time there was a little girl named Lily.\n" +
                 "She loved to play outside in the sunshine.\nOne day she saw a big red ball in the park.\n", 4)),
        ["chat"] = string.Concat(Enumerable.Repeat(
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi Lily\"}, {\"role\": \"assistant\", \"content\": " +
            "\"A red ball.\"}]}\n", 8)),
    };

    [Theory]
    [InlineData("gpt2", "lm", "c_attn")]
    [InlineData("qwen2", "chat", "q_proj")]
    [InlineData("llama3", "lm", "q_proj")]
    public void Finetune_FixtureFolder_TrainsWithItsTokenizerAndDefaultTargets(string arch, string task, string target)
    {
        var fixture = new HfFixture(arch);
        var (train, eval) = (Path.Combine(_dir, "train." + (task == "lm" ? "txt" : "jsonl")),
                             Path.Combine(_dir, "eval.jsonl"));
        File.WriteAllText(train, Data[task]);
        File.Copy(train, eval = Path.ChangeExtension(eval, Path.GetExtension(train)));
        var run = CliTester.Run("finetune", "--model", fixture.Dir, "--data", train, "--eval-data", eval, "--task",
            task, "--steps", "2", "--batch-size", "2", "--max-seq-len", "32", "--out", Path.Combine(_dir, "run"));

        Assert.True(run.ExitCode == 0, run.Error);
        var adapter = PeftAdapter.Read(Path.Combine(_dir, "run", "adapter"));
        Assert.Contains(target, adapter.Config.TargetModules!.ToString());
        Assert.Equal(PretrainedModels.NameOf(fixture.Dir), adapter.Config.BaseModelNameOrPath);
        if (arch == "qwen2") Assert.Contains("chat template: chatml", run.Error);
        var generated = CliTester.Run("generate", fixture.Dir, "--adapter", Path.Combine(_dir, "run", "adapter"),
            "--prompt", "Once", "--max-new-tokens", "5");
        Assert.True(generated.ExitCode == 0, generated.Error);
    }
}
