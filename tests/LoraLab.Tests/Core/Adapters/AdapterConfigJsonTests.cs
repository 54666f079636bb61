using System.Text.Json.Nodes;
using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.IO;

namespace LoraLab.Tests.Core.Adapters;

public sealed class AdapterConfigJsonTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    static AdapterConfigJson Sample() => new()
    {
        TaskType = "CAUSAL_LM",
        BaseModelNameOrPath = "data/stories260K",
        R = 16,
        LoraAlpha = 32,
        LoraDropout = 0.05,
        TargetModules = PeftTargetModules.List(["wq", "wv"]),
        InitLoraWeights = PeftInitValue.For(LoraInit.B),
        RankPattern = new Dictionary<string, int> { ["layers.0.wq"] = 4 },
        PeftVersion = "0.17.1",
        Loralab = new LoralabAdapterExtras
        {
            Init = "b", InitGain = 1, LrA = 1e-4, LrB = 1.6e-3, Seed = 7,
            Extra = new JsonObject { ["width"] = 64, ["note"] = "Init[B]" },
        },
    };

    [Fact]
    public void SaveLoad_Sample_RoundTripsFieldsAndText()
    {
        var written = AdapterConfigJsonFile.Save(_dir.Path, Sample());

        var read = AdapterConfigJsonFile.Load(_dir.Path);

        Assert.Equal(Path.Combine(_dir.Path, "adapter_config.json"), written);
        Assert.Equal((16, 32.0, 0.05, "CAUSAL_LM"), (read.R, read.LoraAlpha, read.LoraDropout, read.TaskType));
        Assert.Equal(PeftTargetModules.List(["wq", "wv"]), read.TargetModules);
        Assert.True(read.InitLoraWeights!.GetValue<bool>());
        Assert.Equal(4, read.RankPattern["layers.0.wq"]);
        Assert.Equal(("b", 1e-4, 1.6e-3, 7L),
                     (read.Loralab!.Init, read.Loralab.LrA, read.Loralab.LrB, read.Loralab.Seed));
        Assert.Equal(64, read.Loralab.Extra!["width"]!.GetValue<int>());
        Assert.Equal(File.ReadAllText(written), AdapterConfigJsonFile.ToJson(read));
    }

    [Fact]
    public void ToJson_Sample_SortedKeysIndentTwoNullsWritten()
    {
        var json = AdapterConfigJsonFile.ToJson(Sample());

        var keys = JsonNode.Parse(json)!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.StartsWith("{\n  \"alpha_pattern\": {},\n  \"auto_mapping\": null,\n  \"base_model_name_or_path\": ",
                          json);
        Assert.Contains("\n  \"loralab\": {\n    \"init\": \"b\",\n    \"init_gain\": 1,\n    \"init_std\": null,",
                        json);
        Assert.Contains("\n  \"lora_alpha\": 32,\n", json);
        Assert.Contains("\n  \"target_modules\": [\n    \"wq\",\n    \"wv\"\n  ],\n", json);
        Assert.Contains("\n  \"revision\": null,\n", json);
        Assert.Contains("\n  \"peft_type\": \"LORA\",\n", json);
    }

    // The key set of a real PEFT file (docs/reference/anchors.md §1.6, PEFT method_comparison llama-3.2-3B-rank32) plus
    // keys of a newer PEFT and one from the future.
    const string PeftFile = """
        {
          "alpha_pattern": {},
          "auto_mapping": null,
          "base_model_name_or_path": "meta-llama/Llama-3.2-3B",
          "bias": "none",
          "corda_config": null,
          "eva_config": null,
          "exclude_modules": null,
          "fan_in_fan_out": false,
          "inference_mode": true,
          "init_lora_weights": true,
          "layer_replication": null,
          "layers_pattern": null,
          "layers_to_transform": null,
          "loftq_config": {},
          "lora_alpha": 64,
          "lora_bias": false,
          "lora_dropout": 0.0,
          "megatron_config": null,
          "megatron_core": "megatron.core",
          "modules_to_save": null,
          "peft_type": "LORA",
          "peft_version": "0.17.2.dev0@abc123",
          "r": 32,
          "rank_pattern": {},
          "revision": null,
          "target_modules": ["v_proj", "q_proj"],
          "target_parameters": null,
          "task_type": "CAUSAL_LM",
          "use_dora": false,
          "use_rslora": false,
          "some_future_key": {"nested": [1, 2]}
        }
        """;

    [Fact]
    public void Parse_PeftFileWithUnknownKeys_ToleratedAndKept()
    {
        var config = AdapterConfigJsonFile.Parse(PeftFile, "adapter_config.json");

        Assert.Equal((32, 64.0, "meta-llama/Llama-3.2-3B"), (config.R, config.LoraAlpha, config.BaseModelNameOrPath));
        Assert.Equal(PeftTargetModules.List(["v_proj", "q_proj"]), config.TargetModules);
        Assert.Null(config.Loralab);
        Assert.Contains("megatron_core", config.OtherKeys!.Select(p => p.Key));
        Assert.Contains("some_future_key", config.OtherKeys!.Select(p => p.Key));
        var rewritten = AdapterConfigJsonFile.ToJson(config);
        Assert.Contains("\"some_future_key\": {\n    \"nested\": [\n      1,\n      2\n    ]\n  }", rewritten);
        Assert.Contains("\"loftq_config\": {}", rewritten);
    }

    [Fact]
    public void Parse_TargetModulesRegex_KeptAsPattern()
    {
        var json = """{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ".*\\.(q|v)_proj$"}""";

        var config = AdapterConfigJsonFile.Parse(json, "cfg");

        Assert.Equal(@".*\.(q|v)_proj$", config.TargetModules!.Regex);
        Assert.Contains("\"target_modules\": \".*\\\\.(q|v)_proj$\"", AdapterConfigJsonFile.ToJson(config));
    }

    [Theory]
    [InlineData("""{"r": 8, "lora_alpha": 16}""", "cfg: missing 'peft_type' (not a PEFT LoRA adapter_config.json?)")]
    [InlineData("""{"peft_type": null, "r": 8, "lora_alpha": 16}""", "cfg: missing 'peft_type'")]
    [InlineData("""{"peft_type": "IA3", "r": 8, "lora_alpha": 16}""",
                "cfg: peft_type is \"IA3\", only \"LORA\" adapters are supported")]
    [InlineData("""{"peft_type": "LORA", "lora_alpha": 16}""", "cfg: missing 'r'")]
    [InlineData("""{"peft_type": "LORA", "r": 8}""", "cfg: missing 'lora_alpha'")]
    [InlineData("""{"peft_type": "LORA", "r": "8", "lora_alpha": 16}""", "cfg: bad value at 'r'")]
    [InlineData("""{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": 3}""",
                "cfg: bad value at 'target_modules'")]
    [InlineData("""{"peft_type": "LORA", "r": 0, "lora_alpha": 16, "bias": "some"}""",
        "cfg: invalid adapter config: r must be >= 1, got 0; bias must be 'none', 'all' or 'lora_only', got 'some'")]
    [InlineData("""{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "init_lora_weights": 1}""",
        "cfg: invalid adapter config: init_lora_weights must be true, false or a string, got 1")]
    [InlineData("""{"peft_type": "LORA", "r": 8,""", "cfg: malformed JSON")]
    [InlineData("""[1]""", "cfg: expected a JSON object")]
    [InlineData("""{"peft_type": "LORA", "r": 8, "r": 9, "lora_alpha": 16}""", "cfg: malformed JSON")]
    public void Parse_BadConfig_OneLineError(string json, string expected)
    {
        var ex = Assert.Throws<LoraLabException>(() => AdapterConfigJsonFile.Parse(json, "cfg"));

        Assert.StartsWith(expected, ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData(LoraInit.A, "true")]
    [InlineData(LoraInit.B, "true")]
    [InlineData(LoraInit.GaussianB, "true")]
    [InlineData(LoraInit.GaussianA, "\"gaussian\"")]
    [InlineData(LoraInit.Gaussian, "\"gaussian\"")]
    [InlineData(LoraInit.BothRandom, "true")]
    [InlineData(LoraInit.Orthogonal, "\"orthogonal\"")]
    [InlineData(LoraInit.Pissa, "\"pissa\"")]
    [InlineData(LoraInit.Olora, "\"olora\"")]
    public void PeftInitValue_OurScheme_PeftValue(LoraInit init, string expected) =>
        Assert.Equal(expected, PeftInitValue.For(init).ToJsonString());
}
