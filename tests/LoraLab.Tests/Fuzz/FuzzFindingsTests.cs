using LoraLab.Core.Adapters;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Fuzz;

/// <summary>The crashes the loader fuzzing found, one case each, so they stay fixed.</summary>
public sealed class FuzzFindingsTests
{
    [Theory]
    [InlineData("""{"steps": 1, "\ud800": 2}""")]                 // a lone surrogate in a key (duplicate-key check)
    [InlineData("""{"description": "\udc00"}""")]                 // ... in a string value
    [InlineData("""{"schedule": {"decay": "linear", "decay": "linear"}}""")] // a repeated key: ArgumentException before
    [InlineData("{\"steps\": tru\ne}")]                           // the JSON error quotes a line break
    public void FinetuneConfig_FoundCases_OneLineUsageError(string json)
    {
        var ex = Assert.Throws<LoraLabException>(() => ConfigLoader.FromTree<FinetuneConfig>(
            ConfigLoader.ParseObject(json, "cfg.json"), null, "cfg.json"));
        Assert.StartsWith("cfg.json: malformed JSON: ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void AdapterConfig_LoneSurrogateKey_OneLineBadInput()
    {
        var ex = Assert.Throws<LoraLabException>(() => AdapterConfigJsonFile.Parse(
            """{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "\ud800": true}""", "adapter_config.json"));
        Assert.Equal("adapter_config.json: malformed JSON: a string holds a lone UTF-16 surrogate", ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }

    [Fact]
    public void SweepSpec_UnknownKind_MessageNamesTheSpec()
    {
        var json = """{"name": "s", "kind": "query", "grid": {"seed": [0]}}""";
        var spec = SweepSpec.Parse(ConfigLoader.ParseObject(json, "s.json"), "s.json");
        var ex = Assert.Throws<LoraLabException>(() => SweepPlanner.Plan(spec, RunKinds.Default, "s.json"));
        Assert.StartsWith("s.json: unknown sweep kind 'query'", ex.Message);
    }
}
