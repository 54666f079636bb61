using LoraLab.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Causal language modelling on a decoder (token ids (B, T) → logits (B, T, vocab)): cross-entropy over the positions
/// whose target is not <see cref="CausalLmExample.IgnoreIndex"/> (all of them for text blocks, the answer for
/// prompt/answer pairs); evaluation reports the mean NLL per predicted token and its exponential, the perplexity.
/// Batches are right-padded to their longest example with ignored targets. A held-out slice of the training data
/// (data.heldout_fraction) is scored the same way as heldout_loss and heldout_perplexity.
/// </summary>
internal sealed class CausalLmTask(nn.Module<Tensor, Tensor> model, IReadOnlyList<CausalLmExample> train,
                                 IReadOnlyList<CausalLmExample> eval, IReadOnlyList<DatasetLoadReport> reports,
                                 IReadOnlyList<CausalLmExample>? heldOut = null)
    : IFinetuneTask, IScoresExamples
{
    public nn.Module Model => model;
    public IReadOnlyList<(string Name, Parameter Parameter)> HeadParameters => [];
    public int TrainExamples => train.Count;
    public IReadOnlyList<DatasetLoadReport> DataReports => reports;
    public string PrimaryMetric => "perplexity";
    public bool HigherIsBetter => false;

    public Tensor Loss(IReadOnlyList<int> indices)
    {
        var (inputs, targets) = Collate(indices.Select(i => train[i]).ToList());
        var logits = model.call(inputs);                                                       // (B, T, V)
        return nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(),
                                           ignore_index: CausalLmExample.IgnoreIndex);
    }

    public IReadOnlyDictionary<string, double> Evaluate(int batchSize, int maxBatches)
    {
        var metrics = Score(eval, batchSize, maxBatches);
        if (heldOut is { Count: > 0 })
            foreach (var (key, value) in Score(heldOut, batchSize, maxBatches)) metrics["heldout_" + key] = value;
        return metrics;
    }

    Dictionary<string, double> Score(IReadOnlyList<CausalLmExample> examples, int batchSize, int maxBatches)
    {
        double nll = 0;
        long tokens = 0;
        model.eval();
        using (no_grad())
        {
            foreach (var chunk in examples.Chunk(batchSize).Take(maxBatches > 0 ? maxBatches : int.MaxValue))
            {
                using var scope = NewDisposeScope();
                var (inputs, targets) = Collate(chunk);
                var logits = model.call(inputs);                                               // (B, T, V)
                nll += nn.functional.cross_entropy(logits.flatten(0, 1).to(float64), targets.flatten(),
                                                   ignore_index: CausalLmExample.IgnoreIndex,
                                                   reduction: nn.Reduction.Sum).item<double>();
                tokens += chunk.Sum(c => c.LossTokens);
            }
        }
        model.train();
        var loss = nll / Math.Max(1, tokens);
        return new Dictionary<string, double> { ["loss"] = loss, ["perplexity"] = Math.Exp(loss), ["tokens"] = tokens };
    }

    public IReadOnlyList<ExampleScore> ScoreEvalExamples(int batchSize)
    {
        var scores = new List<ExampleScore>(eval.Count);
        model.eval();
        using (no_grad())
        {
            foreach (var chunk in eval.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                var (inputs, targets) = Collate(chunk);                                        // (B, T) each
                var logits = model.call(inputs);                                               // (B, T, V)
                var nll = nn.functional.cross_entropy(logits.flatten(0, 1).to(float64), targets.flatten(),
                                                      ignore_index: CausalLmExample.IgnoreIndex,
                                                      reduction: nn.Reduction.None)
                    .view(targets.shape).sum(1).data<double>().ToArray();                      // (B,)
                for (var i = 0; i < chunk.Length; i++)
                    scores.Add(new ExampleScore(-1, -1, nll[i], chunk[i].LossTokens));
            }
        }
        model.train();
        return scores;
    }

    static (Tensor Inputs, Tensor Targets) Collate(IReadOnlyList<CausalLmExample> batch)
    {
        var t = batch.Max(e => e.Length);
        var inputs = new long[batch.Count * t];
        var targets = new long[batch.Count * t];
        Array.Fill(targets, CausalLmExample.IgnoreIndex);
        for (var i = 0; i < batch.Count; i++)
            for (var j = 0; j < batch[i].Length; j++)
            {
                inputs[i * t + j] = batch[i].InputIds[j];
                targets[i * t + j] = batch[i].Targets[j];
            }
        long[] shape = [batch.Count, t];
        return (tensor(inputs, shape), tensor(targets, shape));                                // (B, T) each
    }

    public void Dispose() => model.Dispose();
}
