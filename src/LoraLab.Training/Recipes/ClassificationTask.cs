using LoraLab.Models.Bert;
using LoraLab.Training.Data;
using LoraLab.Training.Metrics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Sequence classification (GLUE) on a BERT or RoBERTa encoder: examples are tokenized once up front, batches are
/// padded to their longest example (dynamic padding), the loss is cross-entropy, and evaluation reports accuracy plus
/// the task's GLUE metric (MCC for CoLA, F1 for MRPC); with a held-out slice of the training data
/// (data.heldout_fraction) the same metrics on it as heldout_*.
/// </summary>
internal sealed class ClassificationTask : IFinetuneTask, IScoresExamples
{
    readonly nn.Module<BertInput, Tensor> _model; // (B, T) ids → (B, classes) logits
    readonly int _padId;
    readonly IReadOnlyList<(TokenizedPair Tokens, int Label)> _train;
    readonly IReadOnlyList<(TokenizedPair Tokens, int Label)> _eval;
    readonly IReadOnlyList<(TokenizedPair Tokens, int Label)> _heldOut;

    public ClassificationTask(nn.Module<BertInput, Tensor> model, IPairTokenizer tokenizer, int maxSeqLen,
                              IReadOnlyList<ClassificationExample> train, IReadOnlyList<ClassificationExample> eval,
                              IReadOnlyList<DatasetLoadReport> reports, string primaryMetric, LabelMap? labels = null,
                              IReadOnlyList<ClassificationExample>? heldOut = null)
    {
        Labels = labels;
        _model = model;
        _padId = tokenizer.PadId;
        _train = train.Select(e => (tokenizer.Encode(e.Text, e.Pair, maxSeqLen), e.Label)).ToList();
        _eval = eval.Select(e => (tokenizer.Encode(e.Text, e.Pair, maxSeqLen), e.Label)).ToList();
        _heldOut = (heldOut ?? []).Select(e => (tokenizer.Encode(e.Text, e.Pair, maxSeqLen), e.Label)).ToList();
        DataReports = reports;
        PrimaryMetric = primaryMetric;
    }

    public nn.Module Model => _model;
    /// <summary>Class names (task classify; saved with the adapter), null for the GLUE tasks.</summary>
    public LabelMap? Labels { get; }
    public IReadOnlyList<(string Name, Parameter Parameter)> HeadParameters =>
        _model.named_parameters().Where(p => p.name.StartsWith("classifier.", StringComparison.Ordinal)).ToList();
    public int TrainExamples => _train.Count;
    public IReadOnlyList<DatasetLoadReport> DataReports { get; }
    public string PrimaryMetric { get; }
    public bool HigherIsBetter => true;

    public Tensor Loss(IReadOnlyList<int> indices)
    {
        var batch = indices.Select(i => _train[i]).ToList();
        var logits = _model.call(Collate(batch.Select(b => b.Tokens).ToList()));             // (B, classes)
        var labels = tensor(batch.Select(b => (long)b.Label).ToArray());                      // (B,)
        return nn.functional.cross_entropy(logits, labels);
    }

    public IReadOnlyDictionary<string, double> Evaluate(int batchSize, int maxBatches)
    {
        var metrics = Score(_eval, batchSize, maxBatches);
        if (_heldOut.Count > 0)
            foreach (var (key, value) in Score(_heldOut, batchSize, maxBatches)) metrics["heldout_" + key] = value;
        return metrics;
    }

    Dictionary<string, double> Score(IReadOnlyList<(TokenizedPair Tokens, int Label)> examples, int batchSize,
                                     int maxBatches)
    {
        var predicted = new List<int>();
        var gold = new List<int>();
        double lossSum = 0;
        _model.eval();
        using (no_grad())
        {
            foreach (var chunk in examples.Chunk(batchSize).Take(maxBatches > 0 ? maxBatches : int.MaxValue))
            {
                using var scope = NewDisposeScope();
                var logits = _model.call(Collate(chunk.Select(c => c.Tokens).ToList()));      // (B, classes)
                var labels = tensor(chunk.Select(c => (long)c.Label).ToArray());
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                predicted.AddRange(logits.argmax(1).data<long>().Select(p => (int)p));
                gold.AddRange(chunk.Select(c => c.Label));
            }
        }
        _model.train();
        var metrics = new Dictionary<string, double>
        {
            ["accuracy"] = ClassificationMetrics.Accuracy(predicted, gold),
            ["loss"] = lossSum / Math.Max(1, gold.Count),
            ["examples"] = gold.Count,
        };
        if (PrimaryMetric == "mcc") metrics["mcc"] = ClassificationMetrics.Mcc(predicted, gold);
        if (PrimaryMetric == "f1") metrics["f1"] = ClassificationMetrics.F1(predicted, gold);
        return metrics;
    }

    public IReadOnlyList<ExampleScore> ScoreEvalExamples(int batchSize)
    {
        var scores = new List<ExampleScore>(_eval.Count);
        _model.eval();
        using (no_grad())
        {
            foreach (var chunk in _eval.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                var logits = _model.call(Collate(chunk.Select(c => c.Tokens).ToList()));      // (B, classes)
                var labels = tensor(chunk.Select(c => (long)c.Label).ToArray());
                var nll = nn.functional.cross_entropy(logits.to(float64), labels, reduction: nn.Reduction.None)
                    .data<double>().ToArray();                                                 // (B,)
                var predicted = logits.argmax(1).data<long>().ToArray();
                for (var i = 0; i < chunk.Length; i++)
                    scores.Add(new ExampleScore(chunk[i].Label, (int)predicted[i], nll[i], 1));
            }
        }
        _model.train();
        return scores;
    }

    BertInput Collate(IReadOnlyList<TokenizedPair> pairs) =>
        BertBatch.Collate(pairs.Select(p => new BertEncoding(p.InputIds, p.TokenTypeIds)).ToList(), _padId);

    public void Dispose() => _model.Dispose();
}
