using LoraLab.IO;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>
/// RoBERTa sequence classification as HF RobertaForSequenceClassification computes it: the encoder (a
/// <see cref="BertModel"/> with positions offset by padding_idx + 1) and RobertaClassificationHead on &lt;s&gt;:
/// out_proj(dropout(tanh(dense(dropout(h₀))))) → logits (B, num_labels). Names are HF's
/// (<c>roberta.encoder.layer.0.attention.self.query.weight</c>, <c>classifier.dense.weight</c>,
/// <c>classifier.out_proj.weight</c>), so PEFT adapters and heads carry over (modules_to_save ["classifier"]).
/// </summary>
public sealed class RobertaClassifier : nn.Module<BertInput, Tensor>
{
    /// <summary>HF RobertaClassificationHead: (B, H) at &lt;s&gt; → (B, num_labels).</summary>
    internal sealed class ClassificationHead : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "dense")] private nn.Module<Tensor, Tensor> _dense;
        [ComponentName(Name = "dropout")] private readonly HashDropout _dropout;
        [ComponentName(Name = "out_proj")] private nn.Module<Tensor, Tensor> _outProj;

        public ClassificationHead(BertConfig c, int numLabels) : base("classifier")
        {
            var (dense, outProj) = (nn.Linear(c.HiddenSize, c.HiddenSize), nn.Linear(c.HiddenSize, numLabels));
            using (no_grad())
                foreach (var layer in new[] { dense, outProj })
                {
                    nn.init.normal_(layer.weight!, 0.0, 0.02); // HF initializer_range
                    nn.init.zeros_(layer.bias!);
                }
            (_dense, _outProj, _dropout) = (dense, outProj, new HashDropout(c.HiddenDropout));
            RegisterComponents();
        }

        public override Tensor forward(Tensor first) => // (B, H) → (B, num_labels)
            _outProj.call(_dropout.call(tanh(_dense.call(_dropout.call(first)))));
    }

    [ComponentName(Name = "roberta")] private readonly BertModel _roberta;
    [ComponentName(Name = "classifier")] private readonly ClassificationHead _classifier;

    public RobertaClassifier(BertModel roberta, int numLabels) : base("roberta_classifier")
    {
        if (numLabels < 1) throw new LoraLabException($"num_labels must be >= 1, got {numLabels}", ExitCodes.Usage);
        _roberta = roberta;
        _classifier = new ClassificationHead(roberta.Config, numLabels);
        RegisterComponents();
    }

    public BertModel Roberta => _roberta;

    /// <summary>Logits (B, num_labels).</summary>
    public override Tensor forward(BertInput input) => _classifier.call(_roberta.FirstToken(input).squeeze(1));
}
