using LoraLab.Core.Adapters;
using LoraLab.Models;
using LoraLab.Models.Generation;

namespace LoraLab.Training.Adapters;

/// <summary>
/// <c>loralab generate</c> with an optional PEFT adapter: loads the causal LM, applies the adapter (LoRA lives in Core,
/// so this sits above both Models and Core) and streams the continuation with <see cref="TextCompletion.Stream"/>.
/// </summary>
public static class AdapterTextCompletion
{
    /// <summary>
    /// Loads the model (and the PEFT adapter in <paramref name="adapterDir"/>, folded into the weights when
    /// <paramref name="merge"/> is set) and writes prompt + continuation to <paramref name="output"/>.
    /// </summary>
    public static void Run(string modelPath, string? tokenizerPath, string prompt, GenerationConfig config,
        TextWriter output, string? adapterDir = null, bool merge = false)
    {
        var lm = PretrainedModels.LoadCausalLm(modelPath, tokenizerPath);
        if (adapterDir is not null)
        {
            var layers = PeftAdapter.Apply(adapterDir, lm.Model).Layers;
            if (merge) foreach (var layer in layers) layer.Layer.Merge();
        }
        TextCompletion.Stream(lm, prompt, config, output);
    }
}
