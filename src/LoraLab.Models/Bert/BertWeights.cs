using LoraLab.IO;

using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>What a Hugging Face–named BERT state dict says about the model's shape.</summary>
internal static class BertWeights
{
    /// <summary>
    /// The config implied by the weights' shapes. Head count and LayerNorm eps are not visible in the weights and
    /// come from <paramref name="template"/>.
    /// </summary>
    public static BertConfig InferConfig(IReadOnlyDictionary<string, Tensor> weights, BertConfig template,
                                         string source)
    {
        long Dim(string name, int axis) => weights.TryGetValue(name, out var t)
            ? t.shape[axis]
            : throw new LoraLabException($"{source}: missing tensor {name}");
        var layers = 0;
        while (weights.ContainsKey($"encoder.layer.{layers}.attention.self.query.weight")) layers++;
        return template with
        {
            VocabSize = (int)Dim("embeddings.word_embeddings.weight", 0),
            HiddenSize = (int)Dim("embeddings.word_embeddings.weight", 1),
            MaxPositionEmbeddings = (int)Dim("embeddings.position_embeddings.weight", 0),
            TypeVocabSize = (int)Dim("embeddings.token_type_embeddings.weight", 0),
            IntermediateSize = (int)Dim("encoder.layer.0.intermediate.dense.weight", 0),
            NumLayers = layers,
            AddPooler = weights.ContainsKey("pooler.dense.weight"),
        };
    }
}
