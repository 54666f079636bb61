using LoraLab.Core;
using LoraLab.Core.Config;

namespace LoraLab.Tests.Core;

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

    [Fact]
    public void Serialize_RoundTrips()
    {
        var config = new LoraConfig { Rank = 3, RankPattern = new() { ["fc2"] = 2 }, Init = LoraInit.GaussianB };
        var again = ConfigLoader.FromTree<LoraConfig>(ConfigLoader.ParseObject(ConfigJson.Serialize(config), "x"), null, "x");
        Assert.Equal(ConfigJson.Serialize(config), ConfigJson.Serialize(again));
        Assert.Contains("\"gaussian-b\"", ConfigJson.Serialize(config));
    }
}
