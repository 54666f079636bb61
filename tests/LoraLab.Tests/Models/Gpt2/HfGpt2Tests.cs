using System.Text.Json;
using LoraLab.IO;
using LoraLab.Models.Gpt2;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Gpt2;

public sealed class HfGpt2Tests
{
    private static string FixtureDir => RepoPaths.Data("tiny-gpt2-random-fixture");

    [Fact]
    public void Load_TinyFixture_ReadsConfig()
    {
        var c = HfGpt2.Load(FixtureDir).Config;
        Assert.Equal((2, 1, 1, 8, 21, 1024, Gpt2Activation.GeluNew),
                     (c.NEmbd, c.NLayer, c.NHead, c.Inner, c.VocabSize, c.NPositions, c.ActivationFunction));
    }

    [Fact]
    public void Forward_TinyFixture_MatchesIndependentPythonReference()
    {
        // Given: tools/gpt2_reference.py re-implements GPT-2 in float64 from the safetensors bytes.
        using var scope = NewDisposeScope();
        var reference = Reference();
        var tokens = Tokens(reference);
        var expectedHidden = ToTensor(reference.GetProperty("hidden"), [2, 7, 2]);
        var expectedLogits = ToTensor(reference.GetProperty("logits"), [2, 7, 21]);

        // When
        var model = HfGpt2.Load(FixtureDir);
        using var noGrad = no_grad();
        var hidden = model.Hidden(tokens);
        var logits = model.forward(tokens);

        // Then
        Assert.Equal(new long[] { 2, 7, 21 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        var hiddenDiff = (hidden.to(float64) - expectedHidden).abs().max().item<double>();
        var logitDiff = (logits.to(float64) - expectedLogits).abs().max().item<double>();
        Assert.True(hiddenDiff < 1e-5,
                    $"max |hidden diff| = {hiddenDiff} (regenerate with /usr/bin/python3 tools/gpt2_reference.py)");
        Assert.True(logitDiff < 1e-6, $"max |logit diff| = {logitDiff}");
    }

    [Fact]
    public void Forward_TinyFixtureScaledWeights_MatchesIndependentPythonReference()
    {
        // Given: at the fixture's N(0, 0.02) scale attention is uniform and gelu linear, so the reference also ran with
        // the Conv1D weights × scale and kept the residual stream before ln_f (which with n_embd = 2 erases nearly
        // all).
        using var scope = NewDisposeScope();
        var reference = Reference();
        var scale = reference.GetProperty("scale").GetDouble();
        var scaled = reference.GetProperty("scaled_weights").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var model = HfGpt2.Load(FixtureDir);
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (scaled.Any(name.EndsWith)) p.mul_(scale);

        // When
        var residual = model.Residual(Tokens(reference)).to(float64);
        var logits = model.forward(Tokens(reference)).to(float64);

        // Then
        var residualDiff = (residual - ToTensor(reference.GetProperty("residual_scaled"),
                                                [2, 7, 2])).abs().max().item<double>();
        var logitDiff = (logits - ToTensor(reference.GetProperty("logits_scaled"),
                                           [2, 7, 21])).abs().max().item<double>();
        Assert.True(residualDiff < 1e-4, $"max |residual diff| = {residualDiff}");
        Assert.True(logitDiff < 1e-5, $"max |logit diff| = {logitDiff}");
    }

    [Fact]
    public void StateDict_TinyFixture_UsesHfGpt2LmHeadNames()
    {
        var keys = HfGpt2.Load(FixtureDir).state_dict();
        Assert.Contains("transformer.h.0.attn.c_attn.weight", keys.Keys);
        // Linear (out, in), transposed from Conv1D
        Assert.Equal(new long[] { 6, 2 }, keys["transformer.h.0.attn.c_attn.weight"].shape);
        Assert.Equal(new long[] { 2, 8 }, keys["transformer.h.0.mlp.c_proj.weight"].shape);
    }

    [Fact]
    public void Load_FolderWithoutConfig_ThrowsOneLineError()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"loralab-gpt2-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var ex = Assert.Throws<LoraLabException>(() => HfGpt2.Load(dir));
            Assert.Contains("config.json", ex.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static JsonElement Reference()
    {
        var path = RepoPaths.Fixture("tiny_gpt2_reference.json");
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal(1, root.GetProperty("format_version").GetInt32());
        return root;
    }

    private static Tensor Tokens(JsonElement reference) =>
        tensor(reference.GetProperty("tokens").EnumerateArray()
            .SelectMany(row => row.EnumerateArray().Select(t => t.GetInt64())).ToArray(), [2, 7]);

    private static Tensor ToTensor(JsonElement nested, long[] shape)
    {
        static IEnumerable<double> Flatten(JsonElement e) =>
            e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetDouble()];
        return tensor(Flatten(nested).ToArray(), shape);
    }
}
