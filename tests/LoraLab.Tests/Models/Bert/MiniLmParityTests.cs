using LoraLab.Models.Bert;
using Xunit.Abstractions;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace LoraLab.Tests.Models.Bert;

/// <summary>Our TorchSharp BERT with weights mapped from the ONNX initializers vs ONNX Runtime on the ONNX
/// itself.</summary>
[Collection(TorchCollection.Name)]
public sealed class MiniLmParityTests(MiniLmFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void LastHiddenState_SingleSentence_MatchesOnnxRuntime()
    {
        var batch = Collate(["The quick brown fox jumps over the lazy dog."]);
        AssertParity(batch);
    }

    [Fact]
    public void LastHiddenState_PaddedBatchWithPair_MatchesOnnxRuntime()
    {
        var t = fixture.Tokenizer;
        var batch = BertBatch.Collate(
        [
            t.Encode("LoRA adapts a frozen weight with a low-rank update."),
            t.Encode("Short."),
            t.Encode("Is this spam?", "Win a free cruise now, click here!!!"),
            t.Encode("Ünïcödé, punctuation... and numbers 12345 work too."),
        ], t.PadId);
        Assert.Equal(0L, batch.AttentionMask[1, -1].item<long>());           // the batch really is padded
        AssertParity(batch);
    }

    [Fact]
    public void Pooler_PaddedBatch_MatchesOnnxRuntime()
    {
        var batch = Collate(["A first sentence.", "And a second, rather longer sentence than the first."]);
        var (_, pooled) = RunOnnx(batch);
        using var hidden = fixture.Pretrained.Model.call(batch);
        using var ours = fixture.Pretrained.Model.Pool(hidden);
        output.WriteLine($"pooler: max |diff| = {MaxAbsDiff(ours, pooled):E2}");
        Assert.True(MaxAbsDiff(ours, pooled) <= Tolerance, $"pooler max |diff| = {MaxAbsDiff(ours, pooled)}");
    }

    private BertInput Collate(string[] texts) =>
        BertBatch.Collate(texts.Select(s => fixture.Tokenizer.Encode(s)).ToList(), fixture.Tokenizer.PadId);

    private void AssertParity(BertInput batch)
    {
        var (expected, _) = RunOnnx(batch);
        using var _ = no_grad();
        using var actual = fixture.Pretrained.Model.call(batch);
        Assert.Equal(expected.shape, actual.shape);
        var diff = MaxAbsDiff(actual, expected);
        var real = batch.AttentionMask.to(ScalarType.Bool).unsqueeze(-1);     // (B, T, 1)
        var realDiff = (actual - expected).abs().masked_fill(real.logical_not(), 0).max().item<float>();
        output.WriteLine($"last_hidden_state {string.Join("x", actual.shape)}: max |diff| = {diff:E2}, " +
                         $"on real tokens {realDiff:E2}");
        Assert.True(diff <= Tolerance, $"last_hidden_state max |diff| = {diff}");
    }

    private (Tensor LastHidden, Tensor Pooled) RunOnnx(BertInput batch)
    {
        NamedOnnxValue Input(string name, Tensor t) => NamedOnnxValue.CreateFromTensor(name,
            new DenseTensor(t.data<long>().ToArray(), t.shape.Select(d => (int)d).ToArray()));
        using var results = fixture.Session.Run(
        [
            Input("input_ids", batch.InputIds), Input("attention_mask", batch.AttentionMask),
            Input("token_type_ids", batch.TokenTypeIds!),
        ]);
        Tensor ToTorch(DisposableNamedOnnxValue v)
        {
            var t = v.AsTensor<float>();
            return tensor(t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());
        }
        var list = results.ToList();
        return (ToTorch(list[0]), ToTorch(list[1]));
    }

    private static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
}
