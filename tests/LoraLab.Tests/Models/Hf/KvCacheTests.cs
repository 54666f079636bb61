using LoraLab.Core;
using LoraLab.Models;
using LoraLab.Models.Generation;
using LoraLab.Models.Llama;
using LoraLab.Tests.Support;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Hf;

/// <summary>KV-cached decoding gives the same tokens as recomputing the whole context per token.</summary>
[Collection(TorchCollection.Name)]
public sealed class KvCacheTests
{
    public static TheoryData<string> Archs => new(HfFixture.Archs);

    [Fact]
    public void Stories260K_CachedGreedy_EqualsUncachedGreedy()
    {
        var model = Llama2cCheckpoint.Load(RepoPaths.Data("stories260K/stories260K.bin"));
        var prompt = new[] { Llama2cTokenizer.Bos, 403, 407, 261, 378 };
        var cached = Generate(model, prompt, 50, model.Config.MaxSeqLen, kvCache: true);
        Assert.Equal(Generate(model, prompt, 50, model.Config.MaxSeqLen, kvCache: false), cached);
        Assert.Equal(50, cached.Count); // no early stop: the comparison covers all 50 tokens
    }

    [Theory]
    [InlineData("q_proj,v_proj", false)]
    [InlineData("q_proj,v_proj", true)]
    [InlineData("up_proj", false)]
    public void Stories260K_WithLora_CachedGreedy_EqualsUncachedAndAppliesTheAdapter(string targets, bool merged)
    {
        // Decoding fuses q/k/v and gate/up into one GEMM each only for plain linear layers; with an adapter (merged or
        // not) the adapter must still shape every token, in the cached path as in the uncached one.
        var prompt = new[] { Llama2cTokenizer.Bos, 403, 407, 261, 378 };
        var model = Llama2cCheckpoint.Load(RepoPaths.Data("stories260K/stories260K.bin"));
        var plain = Generate(model, prompt, 40, model.Config.MaxSeqLen, kvCache: true);
        manual_seed(7);
        var lora = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = targets.Split(',') };
        var layers = LoraInjector.Inject(model, lora).Layers;
        using (no_grad()) foreach (var layer in layers) layer.Layer.LoraB.normal_(0, 0.2);
        if (merged) foreach (var layer in layers) layer.Layer.Merge();
        var cached = Generate(model, prompt, 40, model.Config.MaxSeqLen, kvCache: true);
        Assert.Equal(Generate(model, prompt, 40, model.Config.MaxSeqLen, kvCache: false), cached);
        Assert.NotEqual(plain, cached); // the adapter changed the greedy tokens, so the comparison above tests it
    }

    [Fact]
    public void Stories260K_TrainAfterGenerating_Backpropagates()
    {
        // Generation runs in inference mode; what it builds lazily (the RoPE tables) must still serve autograd after.
        var model = Llama2cCheckpoint.Load(RepoPaths.Data("stories260K/stories260K.bin"));
        Generate(model, [Llama2cTokenizer.Bos, 403], 3, model.Config.MaxSeqLen, kvCache: true);
        model.train();
        var tokens = tensor(new long[] { Llama2cTokenizer.Bos, 403, 407, 261 }).unsqueeze(0); // (1, 4)
        model.forward(tokens).logsumexp(-1).sum().backward();
        var grad = model.named_parameters().Single(
            p => p.name.EndsWith("layers.0.self_attn.q_proj.weight")).parameter.grad;
        Assert.True(grad is not null && grad.abs().sum().item<float>() > 0, "no gradient reached layer 0's q_proj");
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void Fixture_CachedGreedy_EqualsUncached_PastTheSlidingWindowAndTheContext(string arch)
    {
        // 16-token prompts, 24 new tokens, context 24: past Mistral's window of 4 and past max context (the cache is
        // then rebuilt from the last 24 tokens each step, as the uncached path crops its window).
        var fixture = new HfFixture(arch);
        var lm = PretrainedModels.LoadCausalLm(fixture.Dir);
        var prompt = fixture.Tokens.Select(t => (int)t).ToArray();
        var cached = Generate(lm.Model, prompt, 24, 24, kvCache: true);
        Assert.Equal(Generate(lm.Model, prompt, 24, 24, kvCache: false), cached);
        Assert.Equal(24, cached.Count);
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void Forward_InChunksWithCache_EqualsOneForward(string arch)
    {
        var fixture = new HfFixture(arch);
        var lm = PretrainedModels.LoadCausalLm(fixture.Dir);
        lm.Model.eval();
        using var noGrad = no_grad();
        var tokens = tensor(fixture.Tokens).unsqueeze(0); // (1, T)
        var whole = lm.Model.forward(tokens); // (1, T, V)
        using var cache = lm.Decoder.NewCache();
        var parts = new[] { tokens[.., ..5], tokens[.., 5..6], tokens[.., 6..] }.Select(
            t => lm.Decoder.Forward(t, cache));
        TensorAssert.Close(cat(parts.ToArray(), 1), whole, atol: 1e-5, rtol: 1e-5, what: arch);
        Assert.Equal(fixture.Tokens.Length, cache.Length);
    }

    private static IReadOnlyList<int> Generate(nn.Module<Tensor, Tensor> model, int[] prompt, int n, int context,
                                               bool kvCache) =>
        LoraLab.Models.Generation.Generator.Generate(
            model, prompt, new GenerationConfig { MaxNewTokens = n, KvCache = kvCache }, context, new HashSet<int>());
}
