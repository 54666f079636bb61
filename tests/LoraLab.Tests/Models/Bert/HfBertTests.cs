using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Safetensors;
using LoraLab.Models.Bert;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Bert;

[Collection(TorchCollection.Name)]
public sealed class HfBertTests : IDisposable
{
    private readonly string _dir =
        Path.Combine(Path.GetTempPath(), $"loralab-hfbert-{Environment.ProcessId}-{Guid.NewGuid():N}");

    private static readonly BertConfig Tiny = new()
    {
        VocabSize = 50, HiddenSize = 16, NumLayers = 2, NumHeads = 4, IntermediateSize = 32,
        MaxPositionEmbeddings = 20, LayerNormEps = 1e-5,
    };

    public HfBertTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_BertForMaskedLmFolder_ReproducesEncoderOutputs()
    {
        manual_seed(7);
        using var source = new BertModel(Tiny);
        var tensors = source.state_dict().ToDictionary(kv => "bert." + kv.Key, kv => kv.Value);
        tensors["cls.predictions.bias"] = zeros(50);                            // a task head: ignored
        tensors["bert.embeddings.position_ids"] = arange(20, dtype: ScalarType.Int64).unsqueeze(0);
        Write(ConfigJson("bert"), tensors);

        using var loaded = HfBert.Load(_dir);

        Assert.Equal(Tiny with { HiddenDropout = 0.1 }, loaded.Config);
        AssertSameOutputs(source, loaded, BatchOf(Tiny));
    }

    /// <summary>A LayerNorm's γ and β set to distinct values, and what they become stored in F16 and BF16: computed
    /// independently with /usr/bin/python3 (numpy.float16 and torch.bfloat16 of the float32 values;
    /// e.g. 1/3 → 0x3555 = 0.333251953125 in F16, 65504 stays (F16's largest), 1e-5 becomes an F16
    /// subnormal).</summary>
    static readonly float[] Gamma = [1f / 3, 0.1f, -2.5f, 65504f, 1e-5f, 3.14159265f, -0.0001f, 1.0013f, 0.7f, -1.7f,
        2.2f, 0.05f, 1.5f, -0.3f, 9.99f, 0.001f];
    static float[] Beta => Gamma.Select(g => -g / 2 + 0.01f).ToArray();

    static readonly double[] GammaF16 = [0.333251953125, 0.0999755859375, -2.5, 65504.0, 1.0013580322265625e-05,
        3.140625, -0.00010001659393310547, 1.0009765625, 0.7001953125, -1.7001953125, 2.19921875, 0.04998779296875,
        1.5, -0.300048828125, 9.9921875, 0.0010004043579101562];
    static readonly double[] BetaF16 = [-0.1566162109375, -0.040008544921875, 1.259765625, -32752.0,
        0.0099945068359375, -1.560546875, 0.01004791259765625, -0.49072265625, -0.340087890625, 0.85986328125,
        -1.08984375, -0.0149993896484375, -0.740234375, 0.1600341796875, -4.984375, 0.00949859619140625];
    static readonly double[] GammaBf16 = [0.333984375, 0.10009765625, -2.5, 65536.0, 1.0013580322265625e-05, 3.140625,
        -0.00010013580322265625, 1.0, 0.69921875, -1.703125, 2.203125, 0.050048828125, 1.5, -0.30078125, 10.0,
        0.00099945068359375];
    static readonly double[] BetaBf16 = [-0.15625, -0.0400390625, 1.2578125, -32768.0, 0.010009765625, -1.5625,
        0.01007080078125, -0.490234375, -0.33984375, 0.859375, -1.09375, -0.0150146484375, -0.73828125, 0.16015625,
        -5.0, 0.009521484375];

    [Theory]
    [InlineData("f16")]
    [InlineData("bf16")]
    public void Load_GammaBetaNamesInHalfPrecision_ReadAsWeightBiasWithExactValues(string stored)
    {
        // Given an encoder whose last LayerNorm has distinct γ and β, saved in half precision under the old
        // gamma/beta names, every other tensor random
        var dtype = stored == "f16" ? ScalarType.Float16 : ScalarType.BFloat16;
        manual_seed(8);
        using var source = new BertModel(Tiny with { AddPooler = false });
        const string norm = "encoder.layer.1.output.LayerNorm";
        using (no_grad())
        {
            source.state_dict()[$"{norm}.weight"].copy_(tensor(Gamma));
            source.state_dict()[$"{norm}.bias"].copy_(tensor(Beta));
        }
        var tensors = source.state_dict().ToDictionary(
            kv => kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"),
            kv => kv.Value.to(dtype));
        Assert.Contains($"{norm}.gamma", tensors.Keys);
        Write(ConfigJson("bert"), tensors);

        // When loaded
        using var loaded = HfBert.Load(_dir);
        var state = loaded.state_dict();

        // Then γ is the weight and β the bias (not swapped), each holding the half-precision value exactly
        Assert.False(loaded.Config.AddPooler);
        Assert.Equal(ScalarType.Float32, state[$"{norm}.weight"].dtype);
        var (gamma, beta) = stored == "f16" ? (GammaF16, BetaF16) : (GammaBf16, BetaBf16);
        Assert.Equal(gamma, state[$"{norm}.weight"].data<float>().ToArray().Select(v => (double)v));
        Assert.Equal(beta, state[$"{norm}.bias"].data<float>().ToArray().Select(v => (double)v));
        // and every tensor is the source's, rounded to the stored precision
        Assert.Equal(source.state_dict().Keys.Order(), state.Keys.Order());
        foreach (var (name, value) in source.state_dict())
            Assert.True(value.to(dtype).to(ScalarType.Float32).eq(state[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Load_Roberta_NumbersPositionsAfterPaddingIndex()
    {
        manual_seed(9);
        var roberta = Tiny with { TypeVocabSize = 1, MaxPositionEmbeddings = 22, PositionOffset = 2 };
        using var source = new BertModel(roberta with { PositionOffset = 0 });
        Write(ConfigJson("roberta", typeVocab: 1, maxPositions: 22),
            source.state_dict().ToDictionary(kv => "roberta." + kv.Key, kv => kv.Value));

        using var loaded = HfBert.Load(_dir);
        Assert.Equal(2, loaded.Config.PositionOffset);

        // A BERT model whose position table starts at row 2 must give the same outputs.
        using var shifted = new BertModel(roberta with { PositionOffset = 0, MaxPositionEmbeddings = 20 });
        var state = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["embeddings.position_embeddings.weight"] = state["embeddings.position_embeddings.weight"][2..];
        shifted.load_state_dict(state);
        AssertSameOutputs(shifted, loaded, BatchOf(roberta));
    }

    [Fact]
    public void Load_NoConfig_ThrowsOneLine()
    {
        var ex = Assert.Throws<LoraLabException>(() => HfBert.Load(_dir));
        Assert.Contains("config.json", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_Gpt2Config_ThrowsNamingModelType()
    {
        Write(ConfigJson("gpt2"), new Dictionary<string, Tensor>());
        var ex = Assert.Throws<LoraLabException>(() => HfBert.Load(_dir));
        Assert.Contains("gpt2", ex.Message);
    }

    [Fact]
    public void Load_MissingTensor_ThrowsNamingIt()
    {
        using var source = new BertModel(Tiny);
        var tensors = source.state_dict().Where(kv => kv.Key != "encoder.layer.0.attention.self.value.weight")
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        Write(ConfigJson("bert"), tensors);
        var ex = Assert.Throws<LoraLabException>(() => HfBert.Load(_dir));
        Assert.Contains("encoder.layer.0.attention.self.value.weight", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private static JsonObject ConfigJson(string modelType, int typeVocab = 2, int maxPositions = 20) => new()
    {
        ["model_type"] = modelType, ["vocab_size"] = 50, ["hidden_size"] = 16, ["num_hidden_layers"] = 2,
        ["num_attention_heads"] = 4, ["intermediate_size"] = 32, ["max_position_embeddings"] = maxPositions,
        ["type_vocab_size"] = typeVocab, ["layer_norm_eps"] = 1e-5, ["hidden_act"] = "gelu",
        ["hidden_dropout_prob"] = 0.1, ["attention_probs_dropout_prob"] = 0.1, ["pad_token_id"] = 1,
        ["architectures"] = new JsonArray("BertForMaskedLM"),
    };

    private void Write(JsonObject config, Dictionary<string, Tensor> tensors)
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());
        SafetensorsFile.Save(Path.Combine(_dir, "model.safetensors"), tensors);
    }

    private static BertInput BatchOf(BertConfig c) => BertBatch.Collate(
        [new BertEncoding([0, 5, 6, 7, 2], new int[5]), new BertEncoding([0, 9, 2], new int[3])], padId: 1);

    private static void AssertSameOutputs(BertModel expected, BertModel actual, BertInput batch)
    {
        expected.eval();
        actual.eval();
        using var _ = no_grad();
        Assert.True(allclose(expected.call(batch), actual.call(batch), rtol: 0, atol: 1e-6));
    }
}
