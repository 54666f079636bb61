using LoraLab.Core;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Tests.IO.Config;

public sealed class ConfigLoaderTests
{
    static string Write(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"loralab-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_FileAndSet_OverlayDefaults()
    {
        var path = Write("""{ "rank": 4, "init": "b", "target_modules": ["q_proj"] }""");

        var config = ConfigLoader.Load<LoraConfig>(path, ["alpha=32", "scaling=alpha-over-sqrt-r"]);

        Assert.Equal(4, config.Rank);
        Assert.Equal(32, config.Alpha);
        Assert.Equal(LoraInit.B, config.Init);
        Assert.Equal(LoraScaling.AlphaOverSqrtR, config.Scaling);
        Assert.Equal(0.0, config.Dropout);
        Assert.Equal(["q_proj"], config.TargetModules);
    }

    [Theory]
    [InlineData("""{ "rnak": 4 }""", "unknown key 'rnak'")]
    [InlineData("""{ "rank": "four" }""", "bad value at 'rank'")]
    [InlineData("""{ "init": "c" }""", "bad value at 'init'")]
    [InlineData("""{ "rank": 0 }""", "rank must be >= 1")]
    [InlineData("""{ "rank": 4, """, "malformed JSON")]
    public void Load_BadFile_OneLineErrorNamingTheProblem(string json, string expected)
    {
        var ex = Assert.Throws<LoraLabException>(() => ConfigLoader.Load<LoraConfig>(Write(json)));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void Load_SetUnknownKey_IsAnError()
    {
        var ex = Assert.Throws<LoraLabException>(() => ConfigLoader.Load<LoraConfig>(null, ["rnak=4"]));
        Assert.Contains("unknown key 'rnak'", ex.Message);
    }

    /// <summary>Fixtures/lora_config_pinned.json: every LoraConfig key as a config file spells it (snake_case keys,
    /// kebab-case enum names, nulls written), checked by hand against the keys documented in README.md.</summary>
    static string Pinned => File.ReadAllText(RepoPaths.Fixture("lora_config_pinned.json")).ReplaceLineEndings("\n");

    static LoraConfig PinnedConfig => new()
    {
        Rank = 3, Alpha = 6, RankPattern = new() { ["fc2"] = 2 }, AlphaPattern = new() { ["fc2"] = 5 },
        Init = LoraInit.GaussianB, InitGain = 0.5, Scaling = LoraScaling.AlphaOverSqrtR, Dropout = 0.25,
        TargetModules = ["fc1", "fc2"], ExcludeModules = ["head"],
    };

    [Fact]
    public void Serialize_WritesThePinnedFile()
    {
        Assert.Equal(Pinned.TrimEnd(), ConfigJson.Serialize(PinnedConfig));
    }

    [Fact]
    public void Load_PinnedFile_GivesTheConfigBack()
    {
        var loaded = ConfigLoader.Load<LoraConfig>(RepoPaths.Fixture("lora_config_pinned.json"));

        var expected = PinnedConfig;
        Assert.Equal((3, 6.0, LoraInit.GaussianB, 0.5, LoraScaling.AlphaOverSqrtR, 0.25),
            (loaded.Rank, loaded.Alpha, loaded.Init, loaded.InitGain, loaded.Scaling, loaded.Dropout));
        Assert.Equal(expected.RankPattern, loaded.RankPattern);
        Assert.Equal(expected.AlphaPattern, loaded.AlphaPattern);
        Assert.Equal(["fc1", "fc2"], loaded.TargetModules);
        Assert.Equal(["head"], loaded.ExcludeModules);
        Assert.Null(loaded.TargetRegex);
    }
}
