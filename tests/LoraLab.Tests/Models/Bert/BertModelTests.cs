using LoraLab.IO;
using LoraLab.Models;
using LoraLab.Models.Bert;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Bert;

[Collection(TorchCollection.Name)]
public sealed class BertModelTests
{
    private static readonly BertConfig Tiny = new()
    {
        VocabSize = 50, HiddenSize = 16, NumLayers = 2, NumHeads = 4, IntermediateSize = 32,
        MaxPositionEmbeddings = 20,
    };

    [Fact]
    public void NamedParameters_TinyModel_UseHuggingFaceNames()
    {
        using var model = new BertModel(Tiny);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("embeddings.word_embeddings.weight", names);
        Assert.Contains("embeddings.LayerNorm.weight", names);
        Assert.Contains("encoder.layer.1.attention.self.query.weight", names);
        Assert.Contains("encoder.layer.1.attention.self.value.bias", names);
        Assert.Contains("encoder.layer.0.attention.output.dense.weight", names);
        Assert.Contains("encoder.layer.0.attention.output.LayerNorm.bias", names);
        Assert.Contains("encoder.layer.0.intermediate.dense.weight", names);
        Assert.Contains("encoder.layer.0.output.dense.weight", names);
        Assert.Contains("encoder.layer.0.output.LayerNorm.weight", names);
        Assert.Contains("pooler.dense.weight", names);
        // 5 embedding tensors + 16 per layer + 2 pooler
        Assert.Equal(5 + 2 * 16 + 2, names.Count);
    }

    [Fact]
    public void Classifier_NamedParameters_MatchBertForSequenceClassification()
    {
        using var classifier = new BertClassifier(new BertModel(Tiny), numLabels: 3);
        var names = classifier.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("bert.encoder.layer.0.attention.self.query.weight", names);
        Assert.Contains("classifier.weight", names);
        Assert.Contains("classifier.bias", names);
    }

    [Fact]
    public void Linears_AdaptableFields_AreGenericModules()
    {
        using var model = new BertModel(Tiny);
        var query = model.named_modules().Single(m => m.name == "encoder.layer.0.attention.self.query").module;
        Assert.IsAssignableFrom<nn.Module<Tensor, Tensor>>(query);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SelfAttention_TrainingWithDropout_EqualsLibtorchProbabilitiesTimesTheMask(bool padded)
    {
        // The written-out training path = (P ⊙ M) v, with P the attention probabilities from libtorch's
        // scaled_dot_product_attention (values = the identity, so SDPA returns P itself) and M the dropout mask that
        // HashDropout draws with the same seed.
        manual_seed(3);
        using var attention = new BertModel.SelfAttention(Tiny with { AttentionDropout = 0.3 });
        attention.train();
        var x = randn(2, 5, 16);                                                // (B, T, H)
        var keep = padded ? tensor(new[] { true, true, true, false, false }).view(1, 1, 1, 5) : null;
        var p = attention.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        Tensor Heads(string name) =>
            nn.functional.linear(x, p[name + ".weight"], p[name + ".bias"]).view(2, 5, 4, 4).transpose(1, 2);
        var probabilities = nn.functional.scaled_dot_product_attention(Heads("query"), Heads("key"),
            eye(5).expand(2, 4, 5, 5), keep);                                   // (B, nh, T, T)
        manual_seed(11);
        var mask = HashDropout.Mask([2, 4, 5, 5], 0.3);
        var expected = (probabilities * mask).matmul(Heads("value")).transpose(1, 2).reshape(2, 5, 16);
        manual_seed(11);
        var actual = attention.call(x, keep);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6), "training attention differs from (P ⊙ M) v");
        Assert.True(mask.eq(0).any().item<bool>(), "the mask must drop something at p = 0.3 over 100 probabilities");
        manual_seed(12);
        Assert.False(attention.call(x, keep).allclose(actual), "another seed must drop other probabilities");
    }

    [Theory]
    [InlineData(BertPooling.Cls)]
    [InlineData(BertPooling.Pooler)]
    [InlineData(BertPooling.Mean)]
    public void Forward_PaddedExample_EqualsUnpaddedExample(BertPooling pooling)
    {
        manual_seed(1);
        using var classifier = new BertClassifier(new BertModel(Tiny), numLabels: 3, pooling);
        classifier.eval();
        using var _ = no_grad();
        var alone = BertBatch.Collate([new BertEncoding([1, 5, 6, 2], [0, 0, 1, 1])]);
        var padded = BertBatch.Collate(
            [new BertEncoding([1, 5, 6, 2], [0, 0, 1, 1]), new BertEncoding([1, 7, 8, 9, 10, 11, 2], new int[7])]);
        var hiddenAlone = classifier.Bert.call(alone);                          // (1, 4, H)
        var hiddenPadded = classifier.Bert.call(padded);                        // (2, 7, H)
        Assert.True(allclose(hiddenAlone[0], hiddenPadded[0, ..4], rtol: 0, atol: 1e-5));
        var logits = classifier.call(padded);
        Assert.Equal([2L, 3L], logits.shape);
        Assert.True(allclose(classifier.call(alone)[0], logits[0], rtol: 0, atol: 1e-5));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FirstToken_Batch_EqualsForwardAtFirstPosition(bool padded)
    {
        manual_seed(2);
        using var model = new BertModel(Tiny);
        model.eval();
        using var _ = no_grad();
        var batch = BertBatch.Collate(
            [new BertEncoding([1, 5, 6, 2], [0, 0, 1, 1]),
             new BertEncoding(padded ? [1, 7, 2] : [1, 7, 8, 2], new int[padded ? 3 : 4])]);
        var full = model.call(batch);                                           // (2, 4, H)
        var first = model.FirstToken(batch);                                    // (2, 1, H)
        Assert.Equal([2L, 1L, 16L], first.shape);
        Assert.True(allclose(full.narrow(1, 0, 1), first, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Forward_SequenceLongerThanPositions_ThrowsOneLine()
    {
        using var model = new BertModel(Tiny);
        var input = BertBatch.Collate([new BertEncoding(new int[21], new int[21])]);
        var ex = Assert.Throws<LoraLabException>(() => model.call(input));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Constructor_HiddenNotDivisibleByHeads_Throws()
    {
        var ex = Assert.Throws<LoraLabException>(() => new BertModel(Tiny with { NumHeads = 5 }));
        Assert.Contains("divisible", ex.Message);
    }
}
