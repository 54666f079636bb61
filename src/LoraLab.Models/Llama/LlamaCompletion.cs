using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.Models.Generation;

namespace LoraLab.Models.Llama;

/// <summary>Text in, text out: what llama2.c's <c>./run model.bin -z tokenizer.bin -i prompt</c> does.</summary>
public static class LlamaCompletion
{
    /// <summary>
    /// Loads a llama2.c <c>.bin</c> file or an HF folder, and returns the prompt followed by the continuation.
    /// The tokenizer is <paramref name="tokenizerPath"/>, else the folder's tokenizer.bin or tokenizer.json (<see cref="HfLlama.LoadTokenizer"/>).
    /// With <paramref name="adapterDir"/>, a PEFT-format LoRA adapter is applied first, folded into the weights when
    /// <paramref name="merge"/> is set (same output, no LoRA branch at inference).
    /// </summary>
    public static string Complete(string modelPath, string? tokenizerPath, string prompt, GenerationConfig config,
                                  string? adapterDir = null, bool merge = false)
    {
        var model = Directory.Exists(modelPath) ? HfLlama.Load(modelPath) : Llama2cCheckpoint.Load(modelPath);
        if (adapterDir is not null)
        {
            var layers = PeftAdapter.Apply(adapterDir, model).Layers;
            if (merge) foreach (var layer in layers) layer.Layer.Merge();
        }
        tokenizerPath ??= Directory.Exists(modelPath) ? modelPath
            : throw new LoraLabException($"{modelPath}: a llama2.c checkpoint needs a tokenizer (tokenizer.bin / tok512.bin)", ExitCodes.Usage);
        var tokenizer = HfLlama.LoadTokenizer(tokenizerPath, model.Config.VocabSize);
        var promptIds = tokenizer.Encode(prompt);
        var generated = Generator.Generate(model, promptIds, config, model.Config.MaxSeqLen,
            new HashSet<int> { Llama2cTokenizer.Bos, Llama2cTokenizer.Eos });
        return tokenizer.Decode(promptIds.Skip(1).Concat(generated));
    }
}
