using System.Text.Json.Nodes;
using LoraLab.Core;
using LoraLab.Core.Safetensors;
using LoraLab.Models.Bert;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Bert;

[Collection(TorchCollection.Name)]
public sealed class HfBertTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"loralab-hfbert-{Environment.ProcessId}-{Guid.NewGuid():N}");

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

    [Fact]
    public void Load_GammaBetaNamesAndF16_AreReadAsWeightBias()
    {
        manual_seed(8);
        using var source = new BertModel(Tiny with { AddPooler = false });
        var tensors = source.state_dict().ToDictionary(
            kv => kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"),
            kv => kv.Value.to(ScalarType.Float16));
        Write(ConfigJson("bert"), tensors);

        using var loaded = HfBert.Load(_dir);

        Assert.False(loaded.Config.AddPooler);
        var expected = source.state_dict()["encoder.layer.1.output.LayerNorm.weight"].to(ScalarType.Float16).to(ScalarType.Float32);
        Assert.True(expected.allclose(loaded.state_dict()["encoder.layer.1.output.LayerNorm.weight"], rtol: 0, atol: 0));
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
