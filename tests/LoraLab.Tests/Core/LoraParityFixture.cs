using System.Text.Json;

namespace LoraLab.Tests.Core;

/// <summary>Fixtures/lora_linear_parity.json, written by tools/make_lora_fixtures.py with PyTorch.</summary>
public sealed record LoraParityFixture(
    int FormatVersion, string Generator, int InFeatures, int OutFeatures, int Rank, double Alpha, int Seed,
    double[] BaseWeight, double[] BaseBias, double[] InitLoraA, double[] LoraB, double[] X, double[] Y, double Loss,
    double[] GradA, double[] GradB, AdamWSettings Adamw, double[] AdamwLosses, double[] AdamwFinalA,
    double[] AdamwFinalB)
{
    public static LoraParityFixture Load()
    {
        var path = RepoPaths.Fixture("lora_linear_parity.json");
        var fixture = JsonSerializer.Deserialize<LoraParityFixture>(File.ReadAllText(path),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
        Assert.True(fixture.FormatVersion == 1,
            $"{path} has format_version {fixture.FormatVersion}; regenerate it: " +
            $"/usr/bin/python3 tools/make_lora_fixtures.py > {path}");
        return fixture;
    }
}

public sealed record AdamWSettings(double LrA, double LrB, double WeightDecayA, double WeightDecayB, double Beta1,
                                   double Beta2, double Eps, int Steps);
