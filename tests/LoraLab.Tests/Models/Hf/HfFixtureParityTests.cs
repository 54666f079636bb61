using LoraLab.Core.Adapters;
using LoraLab.Models;
using LoraLab.Tests.Support;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Hf;

/// <summary>
/// Each architecture's tiny random HF folder (Fixtures/hf, tools/hf_fixtures.py: an independent float64 torch
/// re-implementation of transformers' forward passes) loads with one call and reproduces the reference logits,
/// without and with each PEFT-format adapter, to 1e-4.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class HfFixtureParityTests
{
    public static TheoryData<string> Archs => new(HfFixture.Archs);

    public static TheoryData<string, string> ArchAdapters
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var arch in HfFixture.Archs)
                foreach (var adapter in new HfFixture(arch).Adapters) data.Add(arch, adapter);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void Load_BaseModel_MatchesReferenceLogits(string arch)
    {
        var fixture = new HfFixture(arch);
        var lm = PretrainedModels.LoadCausalLm(fixture.Dir);
        TensorAssert.CloseValues(Logits(lm.Model, fixture.Tokens), fixture.Logits(), atol: 1e-4, rtol: 0, arch);
    }

    [Theory]
    [MemberData(nameof(ArchAdapters))]
    public void ApplyPeftAdapter_MatchesReferenceAdaptedLogits(string arch, string adapter)
    {
        var fixture = new HfFixture(arch);
        var lm = PretrainedModels.LoadCausalLm(fixture.Dir);
        var layers = PeftAdapter.Apply(fixture.AdapterDir(adapter), lm.Model).Layers;
        TensorAssert.CloseValues(Logits(lm.Model, fixture.Tokens), fixture.Logits(adapter), atol: 1e-4, rtol: 0,
                                 $"{arch}+{adapter}");

        foreach (var layer in layers) layer.Layer.Merge(); // folded into W: the same function
        TensorAssert.CloseValues(Logits(lm.Model, fixture.Tokens), fixture.Logits(adapter), atol: 1e-4, rtol: 0,
                                 $"{arch}+{adapter} merged");
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void Tokenizer_EncodesReferenceStringsToReferenceIds(string arch)
    {
        var fixture = new HfFixture(arch);
        var lm = PretrainedModels.LoadCausalLm(fixture.Dir);
        foreach (var (text, ids) in fixture.TokenizerCases)
        {
            Assert.Equal(ids, lm.Tokenizer.Encode(text));
            Assert.Equal(text, lm.Tokenizer.Decode(ids));
        }
        var body = lm.Tokenizer.Encode(fixture.Text);
        Assert.Equal(fixture.Tokens, (lm.Tokenizer.AddsBos ? [(int)lm.Tokenizer.BosId!] : Array.Empty<int>()).Concat(
            body).Select(i => (long)i));
    }

    internal static double[] Logits(nn.Module<Tensor, Tensor> model, long[] tokens)
    {
        model.eval();
        using var noGrad = no_grad();
        return model.forward(tensor(tokens).unsqueeze(0))[0].to(float64).reshape(-1).data<double>().ToArray();
    }
}
