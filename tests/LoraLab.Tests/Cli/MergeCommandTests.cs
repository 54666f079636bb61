using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.IO.Safetensors;
using LoraLab.Models;
using LoraLab.Models.Llama;
using LoraLab.Tests.Models.Hf;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Cli;

/// <summary><c>loralab merge</c> writes a plain model folder whose logits are base + adapter's.</summary>
[Collection(TorchCollection.Name)]
public sealed class MergeCommandTests : IDisposable
{
    private readonly string _dir = CliTester.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("llama3", "rslora")]
    [InlineData("mistral", "gaussian")]
    [InlineData("gpt2", "default")]
    [InlineData("llama3", "pissa")] // the merged folder holds W − s·B₀A₀ + s·B·A: no init to redo on load
    [InlineData("gpt2", "olora")]
    public void Merge_F32Folder_LoadsBackWithTheAdaptedLogits(string arch, string adapter)
    {
        // Given the base folder with its adapter applied (unmerged LoRA branch)
        var fixture = new HfFixture(arch);
        var adapted = PretrainedModels.LoadCausalLm(fixture.Dir).Model;
        PeftAdapter.Apply(fixture.AdapterDir(adapter), adapted);
        var expected = Logits64(adapted, fixture.Tokens);

        // When
        var outDir = Path.Combine(_dir, "merged");
        var result = CliTester.Run("merge", "--model", fixture.Dir, "--adapter", fixture.AdapterDir(adapter), "--out",
                                   outDir);

        // Then: a plain folder (no LoRA tensors), same files, logits to 1e-5
        Assert.Equal(0, result.ExitCode);
        var merged = PretrainedModels.LoadCausalLm(outDir);
        Assert.Empty(LoraInjector.FindLayers(merged.Model));
        TensorAssert.CloseValues(Logits64(merged.Model, fixture.Tokens), expected, atol: 1e-5, rtol: 0, arch);
        Assert.True(File.Exists(Path.Combine(outDir, "tokenizer.json")));
        Assert.Equal(fixture.Tokens.Select(t => (int)t).Skip(merged.Tokenizer.AddsBos ? 1 : 0),
                     merged.Tokenizer.Encode(fixture.Text));
    }

    [Theory]
    [InlineData("qwen2", SafetensorsDType.BF16)]
    [InlineData("llama-bias", SafetensorsDType.F16)]
    public void Merge_16BitFolder_Writes16BitWithTheAdaptedFunction(string arch, SafetensorsDType dtype)
    {
        var fixture = new HfFixture(arch);
        var outDir = Path.Combine(_dir, "merged");

        var result = CliTester.Run("merge", "--model", fixture.Dir, "--adapter", fixture.AdapterDir("default"), "--out",
                                   outDir);

        Assert.Equal(0, result.ExitCode);
        var header = SafetensorsFile.ReadHeader(Path.Combine(outDir, "model.safetensors"));
        Assert.All(header.Entries, e => Assert.Equal(dtype, e.DType));
        Assert.DoesNotContain(header.Entries, e => e.Name.Contains("lora"));
        Assert.Equal(arch == "qwen2", header.Entries.All(e => e.Name != "lm_head.weight")); // qwen2's head is tied
        var merged = PretrainedModels.LoadCausalLm(outDir).Model;
        // 16-bit rounding of W + s·B·A: the merged model follows the adapted reference, not the base.
        var logits = HfFixtureParityTests.Logits(merged, fixture.Tokens);
        var toAdapted = logits.Zip(fixture.Logits("default"), (a, b) => Math.Abs(a - b)).Max();
        var toBase = logits.Zip(fixture.Logits(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(toAdapted < 0.1 * toBase, $"max |merged − adapted| {toAdapted}, |merged − base| {toBase}");
    }

    [Fact]
    public void Merge_Llama2cBin_WritesAnHfFolderThatGeneratesLikeBasePlusAdapter()
    {
        // Given an adapter with non-zero B on stories260K
        var bin = RepoPaths.Data("stories260K/stories260K.bin");
        var tok = RepoPaths.Data("stories260K/tok512.bin");
        torch.manual_seed(5);
        var model = Llama2cCheckpoint.Load(bin);
        var lora = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "down_proj"] };
        foreach (var layer in LoraInjector.Inject(model, lora).Layers)
            using (no_grad()) layer.Layer.LoraB.normal_(0, 0.3);
        var adapter = Path.Combine(_dir, "adapter");
        PeftAdapter.Save(adapter, model, lora, new AdapterSaveInfo(bin, "CAUSAL_LM", new LoralabAdapterExtras()));
        long[] tokens = [1, 403, 407, 261, 378];
        var expected = Logits64(model, tokens);

        // When
        var outDir = Path.Combine(_dir, "merged");
        var result = CliTester.Run("merge", "--model", bin, "--tokenizer", tok, "--adapter", adapter, "--out", outDir);

        // Then
        Assert.Equal(0, result.ExitCode);
        var merged = PretrainedModels.LoadCausalLm(outDir).Model;
        TensorAssert.CloseValues(Logits64(merged, tokens), expected, atol: 1e-5, rtol: 0, "stories260K merged");
        var viaAdapter = CliTester.Run("generate", bin, "--tokenizer", tok, "--adapter", adapter, "--max-new-tokens",
                                       "30");
        Assert.Equal(viaAdapter.Output, CliTester.Run("generate", outDir, "--max-new-tokens", "30").Output);
    }

    // In float64, so the comparison sees the written weights (F32-rounded W + s·B·A) and not F32 summation order.
    private static double[] Logits64(nn.Module<Tensor, Tensor> model, long[] tokens) =>
        HfFixtureParityTests.Logits(model.to(float64), tokens);

    [Fact]
    public void Merge_AdapterForAnotherModel_IsOneLineError()
    {
        var result = CliTester.Run("merge", "--model", new HfFixture("gpt2").Dir, "--adapter",
            new HfFixture("llama3").AdapterDir("default"), "--out", Path.Combine(_dir, "x"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no module matches", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
