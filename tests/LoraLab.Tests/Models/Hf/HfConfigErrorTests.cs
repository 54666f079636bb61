using LoraLab.IO;
using LoraLab.Tests.Support;

namespace LoraLab.Tests.Models.Hf;

/// <summary>Unsupported model folders: a one-line error naming the key or value, exit code 65.</summary>
public sealed class HfConfigErrorTests : IDisposable
{
    private readonly string _dir = CliTester.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("model_type", "\"falcon\"", "model_type \"falcon\"")]
    [InlineData("rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}", "rope_scaling type \"yarn\"")]
    [InlineData("hidden_act", "\"gelu\"", "hidden_act \"gelu\"")]
    [InlineData("use_sliding_window", "true", "use_sliding_window")]
    [InlineData("attn_logit_softcapping", "50.0", "unsupported config key \"attn_logit_softcapping\"")]
    [InlineData("num_attention_heads", "\"four\"", "\"num_attention_heads\" is \"four\"")]
    public void Generate_UnsupportedConfig_OneLineNamingIt(string key, string json, string expected)
    {
        var arch = key == "use_sliding_window" ? "qwen2" : "llama3";
        var dir = new HfFixture(arch).CopyWithConfig(Path.Combine(_dir, "m"),
                                                     c => c[key] = System.Text.Json.Nodes.JsonNode.Parse(json));

        var result = CliTester.Run("generate", dir, "--prompt", "Once", "--max-new-tokens", "2");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
