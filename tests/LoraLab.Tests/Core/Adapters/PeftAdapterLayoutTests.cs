using LoraLab.Core.Adapters;

namespace LoraLab.Tests.Core.Adapters;

public sealed class PeftAdapterLayoutTests
{
    [Theory]
    [InlineData("model.layers.0.self_attn.q_proj", PeftTensorKind.LoraA,
        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")]
    [InlineData("transformer.h.0.attn.c_attn", PeftTensorKind.LoraB,
                "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")]
    [InlineData("classifier", PeftTensorKind.LoraBBias, "base_model.model.classifier.lora_B.bias")]
    public void TensorName_ModulePath_RoundTrips(string path, PeftTensorKind kind, string expected)
    {
        var name = PeftAdapterLayout.TensorName(path, kind);

        Assert.Equal(expected, name);
        Assert.True(PeftAdapterLayout.TryParse(name, out var parsedPath, out var parsedKind));
        Assert.Equal((path, kind), (parsedPath, parsedKind));
    }

    [Theory]
    [InlineData("model.layers.0.q_proj.lora_A.weight")] // no prefix
    [InlineData("base_model.model.embed_tokens.lora_embedding_A")]
    [InlineData("base_model.model.q_proj.lora_magnitude_vector")]
    [InlineData("base_model.model.classifier.weight")]
    [InlineData("base_model.model.q_proj.lora_A.default.weight")]
    [InlineData("base_model.model..lora_A.weight")]
    public void TryParse_NotALoraTensor_False(string name) =>
        Assert.False(PeftAdapterLayout.TryParse(name, out _, out _));

    [Fact]
    public void StateDictKey_PrefixAddedAndRemoved()
    {
        Assert.Equal("base_model.model.layers.1.wv.lora_B.weight",
                     PeftAdapterLayout.FromStateDictKey("layers.1.wv.lora_B.weight"));
        Assert.Equal("layers.1.wv.lora_B.weight",
                     PeftAdapterLayout.ToStateDictKey("base_model.model.layers.1.wv.lora_B.weight"));
        Assert.Null(PeftAdapterLayout.ToStateDictKey("layers.1.wv.lora_B.weight"));
    }
}
