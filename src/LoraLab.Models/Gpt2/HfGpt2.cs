using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using static LoraLab.IO.Checkpoints.HfCheckpoint;
using static TorchSharp.torch;

namespace LoraLab.Models.Gpt2;

/// <summary>
/// Reads GPT-2 Hugging Face folders (GPT2Model or GPT2LMHeadModel): config.json + safetensors, single or sharded.
/// HF's GPT-2 uses Conv1D, whose weight is stored (in, out); we transpose c_attn, c_proj and c_fc weights into
/// nn.Linear's (out, in) at load, so LoRA sees ordinary Linear layers (PEFT handles the same case with fan_in_fan_out).
/// </summary>
public static class HfGpt2
{
    private static readonly string[] Conv1DLayers = [".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight",
                                                     ".mlp.c_proj.weight"];

    /// <summary>Whether <paramref name="name"/> is a weight HF stores as Conv1D (in, out) and we as Linear (out,
    /// in).</summary>
    public static bool IsConv1DWeight(string name) => Conv1DLayers.Any(name.EndsWith);

    public static Gpt2Model Load(string dir)
    {
        var model = new Gpt2Model(ReadConfig(dir));
        StateDictLoader.Load(model, ToOurLayout(ReadWeights(dir)), dir);
        return model;
    }

    public static Gpt2Config ReadConfig(string dir)
    {
        var json = HfCheckpoint.ReadConfig(dir);
        RejectUnsupported(json, dir);
        var config = new Gpt2Config
        {
            NEmbd = Required<int>(json, "n_embd", dir),
            NLayer = Required<int>(json, "n_layer", dir),
            NHead = Required<int>(json, "n_head", dir),
            NInner = Optional<int?>(json, "n_inner", dir, null),
            VocabSize = Required<int>(json, "vocab_size", dir),
            NPositions = Required<int>(json, "n_positions", dir),
            LayerNormEpsilon = Optional(json, "layer_norm_epsilon", dir, 1e-5),
            ActivationFunction = Optional(json, "activation_function", dir, "gelu_new") switch
            {
                "gelu_new" or "gelu_pytorch_tanh" => Gpt2Activation.GeluNew,
                "gelu" => Gpt2Activation.Gelu,
                var other => throw new LoraLabException(
                    $"{Path.Combine(dir, ConfigFile)}: activation_function \"{other}\" is not supported"),
            },
        };
        var errors = config.Validate().ToList();
        if (errors.Count > 0)
            throw new LoraLabException($"{Path.Combine(dir, ConfigFile)}: {string.Join("; ", errors)}");
        return config;
    }

    private static void RejectUnsupported(JsonObject json, string dir)
    {
        var file = Path.Combine(dir, ConfigFile);
        var modelType = Optional(json, "model_type", dir, "gpt2");
        if (modelType != "gpt2") throw new LoraLabException($"{file}: model_type \"{modelType}\" is not gpt2");
        if (!Optional(json, "scale_attn_weights", dir, true)
            || Optional(json, "scale_attn_by_inverse_layer_idx", dir, false)
            || Optional(json, "reorder_and_upcast_attn", dir, false))
            throw new LoraLabException($"{file}: only standard 1/sqrt(head_dim) attention scaling is supported");
    }

    // HF names → ours: add the "transformer." prefix of GPT2LMHeadModel if absent, drop the tied lm_head and the
    // causal-mask buffers older checkpoints carry, transpose Conv1D weights (in, out) → (out, in).
    private static Dictionary<string, Tensor> ToOurLayout(Dictionary<string, Tensor> hf)
    {
        var ours = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in hf)
        {
            if (name == "lm_head.weight" || name.EndsWith(".attn.bias") || name.EndsWith(".attn.masked_bias")) continue;
            var key = name.StartsWith("transformer.") ? name : "transformer." + name;
            ours[key] = Conv1DLayers.Any(key.EndsWith) ? tensor.t().contiguous() : tensor;
        }
        return ours;
    }
}
