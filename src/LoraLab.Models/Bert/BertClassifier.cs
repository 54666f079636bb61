using LoraLab.IO;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>
/// Sequence classification on a BERT encoder: pool → dropout → linear, returning logits (batch, num_labels).
/// Parameter names match HF BertForSequenceClassification (<c>bert.encoder.layer.0.attention.self.query.weight</c>,
/// <c>classifier.weight</c>), so a PEFT adapter for this model is named
/// <c>base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight</c> and the head
/// <c>base_model.model.classifier.weight</c> (PEFT's prefix "base_model.model." + these names).
/// </summary>
public sealed class BertClassifier : nn.Module<BertInput, Tensor>
{
    [ComponentName(Name = "bert")] private readonly BertModel _bert;
    [ComponentName(Name = "dropout")] private readonly HashDropout _dropout;
    [ComponentName(Name = "classifier")] private readonly nn.Module<Tensor, Tensor> _classifier;

    /// <param name="bert">The encoder (pretrained or not).</param>
    /// <param name="numLabels">Number of classes.</param>
    /// <param name="pooling">How to pool the sequence.</param>
    /// <param name="dropout">Dropout before the head; null takes the encoder's hidden dropout (HF's default).</param>
    public BertClassifier(BertModel bert, int numLabels, BertPooling pooling = BertPooling.Cls, double? dropout = null)
        : base("bert_classifier")
    {
        if (numLabels < 1) throw new LoraLabException($"num_labels must be >= 1, got {numLabels}", ExitCodes.Usage);
        if (pooling == BertPooling.Pooler && !bert.Config.AddPooler)
            throw new LoraLabException("pooling \"pooler\" needs a BERT model with a pooler", ExitCodes.Usage);
        _bert = bert;
        Pooling = pooling;
        _dropout = new HashDropout(dropout ?? bert.Config.HiddenDropout);
        var head = nn.Linear(bert.Config.HiddenSize, numLabels);
        using (no_grad())
        {
            nn.init.normal_(head.weight!, 0.0, 0.02);                           // HF initializer_range
            nn.init.zeros_(head.bias!);
        }
        _classifier = head;
        RegisterComponents();
    }

    public BertPooling Pooling { get; }

    public BertModel Bert => _bert;

    /// <summary>Logits (B, num_labels).</summary>
    public override Tensor forward(BertInput input)
    {
        var pooled = Pooling switch                                             // (B, H)
        {
            BertPooling.Cls => _bert.FirstToken(input).squeeze(1),
            BertPooling.Pooler => _bert.Pool(_bert.FirstToken(input)),
            BertPooling.Mean => MeanOverTokens(_bert.call(input), input.AttentionMask),
        };
        return _classifier.call(_dropout.call(pooled));                         // (B, num_labels)
    }

    private static Tensor MeanOverTokens(Tensor hidden, Tensor attentionMask)
    {
        var mask = attentionMask.to(hidden.dtype).unsqueeze(-1);               // (B, T, 1)
        return (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9);           // (B, H)
    }
}
