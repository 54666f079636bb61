using System.Runtime.InteropServices;
using Google.Protobuf;
using LoraLab.IO;
using Onnx;
using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>
/// Turns the initializers of a PyTorch-exported BERT ONNX graph into a Hugging Face state dict.
/// Embeddings, biases and LayerNorms keep their HF names. The Linear weights of a torch.onnx export are anonymous
/// MatMul inputs ("927") stored (in, out); each is named after the bias of the Add that consumes its MatMul's output
/// (<c>MatMul(x, W) → Add(encoder.layer.0.attention.self.query.bias, ·)</c>) and transposed to Linear's (out, in).
/// </summary>
internal static class OnnxBertWeights
{
    public static Dictionary<string, Tensor> Extract(byte[] onnx, string source)
    {
        var graph = Parse(onnx, source).Graph
                    ?? throw new LoraLabException($"{source}: ONNX model has no graph");
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var weights = new Dictionary<string, Tensor>();
        foreach (var init in graph.Initializer)
            if (init.DataType == (int)TensorProto.Types.DataType.Float && IsHfName(init.Name))
                weights[init.Name] = ToTensor(init, source);
        foreach (var (matmul, add) in MatMulBiasPairs(graph))
        {
            var bias = add.Input.FirstOrDefault(i => i.EndsWith(".bias") && IsHfName(i));
            if (bias is null || !initializers.TryGetValue(matmul.Input[1], out var w)) continue;
            var name = bias[..^".bias".Length] + ".weight";
            weights[name] = ToTensor(w, source).t().contiguous();              // (in, out) → (out, in)
        }
        if (weights.Count == 0) throw new LoraLabException($"{source}: ONNX graph holds no BERT weights");
        return weights;
    }

    private static ModelProto Parse(byte[] onnx, string source)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new LoraLabException($"{source}: not a valid ONNX model ({ex.Message})", ExitCodes.BadInput, ex);
        }
    }

    private static bool IsHfName(string name) =>
        name.StartsWith("embeddings.") || name.StartsWith("encoder.") || name.StartsWith("pooler.");

    /// <summary>Each MatMul with an initializer as its right operand, with the Add that consumes its output.</summary>
    private static IEnumerable<(NodeProto MatMul, NodeProto Add)> MatMulBiasPairs(GraphProto graph)
    {
        var adds = graph.Node.Where(n => n.OpType == "Add")
            .SelectMany(n => n.Input.Select(i => (Input: i, Node: n)))
            .GroupBy(p => p.Input).ToDictionary(g => g.Key, g => g.First().Node);
        foreach (var node in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2))
            if (adds.TryGetValue(node.Output[0], out var add))
                yield return (node, add);
    }

    private static Tensor ToTensor(TensorProto init, string source)
    {
        var dims = init.Dims.ToArray();
        var count = dims.Aggregate(1L, (a, d) => a * d);
        float[] data = init.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(init.RawData.Span).ToArray()
            : init.FloatData.ToArray();
        if (data.Length != count)
            throw new LoraLabException(
                $"{source}: initializer {init.Name} has {data.Length} floats, its shape [{string.Join(",", dims)}] " +
                $"needs {count} (truncated or corrupt model)");
        return tensor(data, dims);
    }
}
