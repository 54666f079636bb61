using System.Text.Json.Nodes;
using LoraLab.Core.Adapters;
using LoraLab.Models.Bert;
using LoraLab.Models.Tokenizers;
using LoraLab.Tests.Support;
using static TorchSharp.torch;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace LoraLab.Tests.Models.Hf;

/// <summary>
/// Fixtures/hf/roberta (tools/hf_fixtures.py, independent float64 RobertaForSequenceClassification): a padded batch
/// (positions counted from padding_idx + 1 over real tokens), the classification head on &lt;s&gt;, a PEFT adapter on
/// query/value, and the byte-level BPE tokenizer with RobertaProcessing and an lstrip &lt;mask&gt;.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class RobertaFixtureTests
{
    private readonly HfFixture _fixture = new("roberta");
    private readonly JsonObject _reference;

    public RobertaFixtureTests() =>
        _reference = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(_fixture.Dir, "reference.json")))!;

    [Fact]
    public void LoadRobertaClassifier_PaddedBatch_MatchesReferenceHiddenStatesAndLogits()
    {
        var model = HfBert.LoadRobertaClassifier(_fixture.Dir, numLabels: 2);
        model.eval();
        using var noGrad = no_grad();
        var input = Batch();

        var hidden = model.Roberta.forward(input).to(float64); // (B, T, H)
        var expected = tensor(Values(_reference["hidden"]!)).reshape(hidden.shape);
        var real = input.AttentionMask.to(ScalarType.Bool).unsqueeze(-1).expand_as(hidden); // pad rows are not compared
        TensorAssert.Close(hidden.masked_select(real), expected.masked_select(real), atol: 1e-4, rtol: 0,
                           what: "hidden");
        TensorAssert.CloseValues(Flat(model.forward(input)), Values(_reference["logits"]!), 1e-4, 0, "logits");
    }

    [Fact]
    public void ApplyPeftAdapter_MatchesReferenceAdaptedLogits()
    {
        var model = HfBert.LoadRobertaClassifier(_fixture.Dir, numLabels: 2);
        Assert.NotEmpty(PeftAdapter.Apply(_fixture.AdapterDir("default"), model).Layers);
        model.eval();
        using var noGrad = no_grad();
        TensorAssert.CloseValues(Flat(model.forward(Batch())), _fixture.Logits("default"), 1e-4, 0, "adapted logits");
    }

    [Fact]
    public void Tokenizer_MatchesReferenceIdsAndHuggingFaceTokenizers()
    {
        var ours = ByteLevelBpeFiles.Load(_fixture.Dir);
        foreach (var (text, ids) in _fixture.TokenizerCases) Assert.Equal(ids, ours.Encode(text));
        Assert.Equal((0, 2, 1), (ours.BosId, ours.EosId, ours.PadId));
        var hf = new HfTokenizer(vocabPath: Path.Combine(_fixture.Dir, "tokenizer.json"));
        foreach (var text in new[] { "Hello <mask> world", "A ball.<mask>", "Once upon a time, Lily saw a ball.",
                                    "<s>x</s>" })
        {
            var expected = hf.Encode(text).Select(i => (int)i).ToArray()[1..^1]; // RobertaProcessing adds <s> … </s>
            Assert.Equal(expected, ours.Encode(text));
        }
    }

    private BertInput Batch()
    {
        var rows = _reference["tokens"]!.AsArray().Select(r => r!.AsArray().Select(t => t!.GetValue<long>()).ToArray())
            .ToArray();
        var ids = tensor(rows.SelectMany(r => r).ToArray()).reshape(rows.Length, rows[0].Length); // (B, T)
        return new BertInput(ids, ids.ne(1).to(ScalarType.Int64)); // <pad> = 1
    }

    private static double[] Values(JsonNode rows) =>
        rows.AsArray().SelectMany(r => r!.AsArray().Select(v => v!.GetValue<double>())).ToArray();

    private static double[] Flat(Tensor t) => t.to(float64).reshape(-1).data<double>().ToArray();
}
