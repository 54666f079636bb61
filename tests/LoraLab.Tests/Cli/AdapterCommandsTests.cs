using LoraLab.Core.Adapters;

namespace LoraLab.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class AdapterCommandsTests
{
    [Fact]
    public void Init_A_WritesPeftLayoutWithZeroBAndBoundedA()
    {
        // Given / When
        var dir = Path.Combine(CliTester.TempDir(), "a");
        var result = CliTester.Run("adapter", "init", "--model", "mlp:in=1024,hidden=1024,out=10", "--init", "A",
                                   "--rank", "8", "--alpha", "16", "--seed", "1", "--out", dir);

        // Then
        Assert.Equal(0, result.ExitCode);
        var folder = PeftAdapter.Read(dir);
        Assert.Equal(("LORA", 8, 16.0), (folder.Config.PeftType, folder.Config.R, folder.Config.LoraAlpha));
        var a = folder.Tensors["base_model.model.fc1.lora_A.weight"];
        var b = folder.Tensors["base_model.model.fc1.lora_B.weight"];
        Assert.Equal([8L, 1024], a.shape);
        Assert.Equal([1024L, 8], b.shape);
        Assert.Equal(0f, b.abs().max().item<float>());
        Assert.True(a.abs().max().item<float>() <= 1 / 32f);
        Assert.InRange(a.var().item<float>(), 0.95 / (3 * 1024), 1.05 / (3 * 1024));   // U(±1/√in): Var = 1/(3·in)
        Assert.Equal("a", folder.Config.Loralab!.Init);
    }

    [Fact]
    public void Init_B_IsTheMirrorImage()
    {
        var dir = Path.Combine(CliTester.TempDir(), "b");
        Assert.Equal(0, CliTester.Run("adapter", "init", "--model", "mlp:in=1024,hidden=1024,out=10", "--init", "B",
                                      "--rank", "8", "--out", dir).ExitCode);
        var folder = PeftAdapter.Read(dir);
        Assert.Equal(0f, folder.Tensors["base_model.model.fc1.lora_A.weight"].abs().max().item<float>());
        var b = folder.Tensors["base_model.model.fc1.lora_B.weight"];
        Assert.True(b.abs().max().item<float>() <= 1 / MathF.Sqrt(8));
        Assert.InRange(b.var().item<float>(), 0.95 / (3 * 8), 1.05 / (3 * 8));           // U(±1/√r): Var = 1/(3r)
    }

    [Fact]
    public void Inspect_PrintsStatisticsAndZeroProduct()
    {
        var dir = Path.Combine(CliTester.TempDir(), "a");
        CliTester.Run("adapter", "init", "--model", "mlp:in=64,hidden=32,out=4", "--out", dir);

        var result = CliTester.Run("adapter", "inspect", dir);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"peft_type\": \"LORA\"", result.Output);
        Assert.Contains("base_model.model.fc2.lora_B.weight", result.Output);
        Assert.Contains("fc1: B·A = 0 (exactly; r = 8)", result.Output);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("corrupt-header")]
    [InlineData("bad-config")]
    public void Inspect_DamagedAdapter_OneLineErrorNonZeroExit(string damage)
    {
        var dir = Path.Combine(CliTester.TempDir(), "a");
        CliTester.Run("adapter", "init", "--model", "mlp:in=64,hidden=32,out=4", "--out", dir);
        var weights = Path.Combine(dir, "adapter_model.safetensors");
        switch (damage)
        {
            case "truncate":
                using (var f = File.OpenWrite(weights)) f.SetLength(f.Length / 2);
                break;
            case "corrupt-header":
                var bytes = File.ReadAllBytes(weights);
                bytes[8] = (byte)'[';
                File.WriteAllBytes(weights, bytes);
                break;
            case "bad-config":
                File.WriteAllText(Path.Combine(dir, "adapter_config.json"), "{ \"peft_type\": \"LORA\", \"r\": ");
                break;
        }

        var result = CliTester.Run("adapter", "inspect", dir);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Init_UnknownScheme_UsageError()
    {
        var result = CliTester.Run("adapter", "init", "--model", "mlp:in=4,hidden=4,out=2", "--init", "c", "--out",
                                   CliTester.TempDir());
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("unknown init scheme 'c'", result.Error);
    }
}
