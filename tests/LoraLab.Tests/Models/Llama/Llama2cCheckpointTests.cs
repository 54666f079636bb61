using LoraLab.IO;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Llama;

public sealed class Llama2cCheckpointTests(Stories260K stories) : IClassFixture<Stories260K>
{
    private static readonly long[] Prompt = [1, 403, 407, 261, 378]; // "Once upon a time" with BOS

    // SOURCES.md §1a: (argmax id, its logit, logsumexp) per position, from an independent float64 reference.
    public static TheoryData<int, int, double, double> TeacherForced => new()
    {
        { 0, 403, 17.0235, 17.2673 },
        { 1, 407, 18.4600, 18.4775 },
        { 2, 261, 17.1370, 17.1491 },
        { 3, 378, 18.8744, 18.8751 },
        { 4, 432, 17.7994, 17.8311 },
    };

    [Fact]
    public void Load_Stories260K_ReadsHeader()
    {
        var c = stories.Model.Config;
        Assert.Equal((64, 172, 5, 8, 4, 512, 512, true), (c.Dim, c.HiddenDim, c.NLayers, c.NHeads, c.NKvHeads,
                                                          c.VocabSize, c.MaxSeqLen, c.TieWordEmbeddings));
    }

    [Fact]
    public void StateDict_Stories260K_UsesHfLlamaNames()
    {
        var keys = stories.Model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.embed_tokens.weight", keys);
        Assert.Contains("model.layers.4.self_attn.q_proj.weight", keys);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", keys);
        Assert.Contains("model.layers.0.post_attention_layernorm.weight", keys);
        Assert.Contains("model.norm.weight", keys);
        Assert.Equal(2 + 5 * 9, keys.Count); // tied: no lm_head.weight
    }

    [Theory]
    [MemberData(nameof(TeacherForced))]
    public void Forward_OnceUponATime_MatchesReferenceLogits(int position, int top, double topLogit, double logsumexp)
    {
        using var scope = NewDisposeScope();
        var logits = Logits(stories.Model)[position]; // (V,)
        Assert.Equal(top, logits.argmax().item<long>());
        Assert.Equal(topLogit, logits[top].item<float>(), 1e-3);
        Assert.Equal(logsumexp, logits.logsumexp(0).item<float>(), 1e-3);
    }

    [Fact]
    public void Forward_InterleavedLayout_MatchesHalfSplitLayout()
    {
        // Permuting wq/wk rows at load (half-split) must be the same function as llama2.c's interleaved RoPE.
        using var scope = NewDisposeScope();
        var interleaved = Llama2cCheckpoint.Load(Stories260K.CheckpointPath, RopeLayout.Interleaved);
        var diff = (Logits(interleaved) - Logits(stories.Model)).abs().max().item<float>();
        Assert.True(diff < 1e-4, $"max |logit diff| = {diff}");
    }

    [Theory]
    [InlineData(20)]
    [InlineData(1_000_000)]
    [InlineData(1_056_539)]
    public void Load_TruncatedFile_ThrowsOneLineError(int keepBytes)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, File.ReadAllBytes(Stories260K.CheckpointPath)[..keepBytes]);
            var ex = Assert.Throws<LoraLabException>(() => Llama2cCheckpoint.Load(path));
            Assert.StartsWith(path + ":", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
        finally { File.Delete(path); }
    }

    private static Tensor Logits(LlamaModel model)
    {
        using var noGrad = no_grad();
        return model.forward(tensor(Prompt).unsqueeze(0))[0]; // (T, V)
    }
}
