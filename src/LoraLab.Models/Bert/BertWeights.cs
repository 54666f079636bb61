using LoraLab.Core;
using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>Copies a Hugging Face–named state dict into a <see cref="BertModel"/>, strictly (names and shapes).</summary>
internal static class BertWeights
{
    /// <summary>
    /// Copies every tensor of <paramref name="weights"/> into the parameter of the same name. Missing parameters
    /// (other than the pooler, which is dropped when absent), unknown names and shape mismatches are errors.
    /// </summary>
    public static void Apply(BertModel model, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var unknown = weights.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new LoraLabException($"{source}: {unknown.Count} tensors have no place in the BERT model " +
                                       $"(first: {unknown[0]})");
        var missing = parameters.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new LoraLabException($"{source}: {missing.Count} BERT parameters are missing (first: {missing[0]})");
        using var _ = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var value = weights[name];
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new LoraLabException($"{source}: {name} has shape [{string.Join(",", value.shape)}], the model " +
                                           $"expects [{string.Join(",", parameter.shape)}]");
            parameter.copy_(value);
        }
    }

    /// <summary>
    /// The config implied by the weights' shapes. Head count and LayerNorm eps are not visible in the weights and
    /// come from <paramref name="template"/>.
    /// </summary>
    public static BertConfig InferConfig(IReadOnlyDictionary<string, Tensor> weights, BertConfig template, string source)
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
