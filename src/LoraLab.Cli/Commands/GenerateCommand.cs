using System.CommandLine;
using LoraLab.IO.Config;
using LoraLab.Models.Generation;
using LoraLab.Training.Adapters;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab generate</c>: stream a continuation from a causal LM (llama2.c .bin or HF folder).</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "llama2.c .bin checkpoint, or Hugging Face folder (llama, mistral, qwen2, gpt2).",
        };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "llama2.c tokenizer .bin or tokenizer.json (default: the folder's tokenizer.bin, " +
                          "tokenizer.json or vocab.json + merges.txt).",
        };
        var prompt = new Option<string>("--prompt")
        {
            Description = "Text to continue.",
            DefaultValueFactory = _ => "",
        };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT-format LoRA adapter folder to apply." };
        var merge = new Option<bool>("--merge")
        {
            Description = "Fold the adapter into the weights (W + s·B·A) before generating.",
        };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "Most tokens to generate (default 200)." };
        var temperature = new Option<double?>("--temperature")
        {
            Description = "Softmax temperature; 0 (default) is greedy.",
        };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling mass in (0, 1] (default 1)." };
        var topK = new Option<int?>("--top-k")
        {
            Description = "Sample among the k most likely tokens; 0 (default) keeps all.",
        };
        var seed = new Option<long?>("--seed") { Description = "Sampler seed (default 42)." };
        var set = new Option<string[]>("--set")
        {
            Description = "Generation setting key=value: max_new_tokens, temperature, top_p, top_k, seed, kv_cache.",
        };
        var command = new Command("generate",
            "Continue a prompt, streaming tokens as they are produced (KV cache; greedy at temperature 0, else " +
            "temperature → top-k → top-p sampling with a seed).\n" +
            "Example: loralab generate data/stories260K/stories260K.bin --tokenizer data/stories260K/tok512.bin " +
            "--prompt \"Once upon a time\" --temperature 0.8 --top-p 0.9 --seed 7\n" +
            "Example: loralab generate path/to/Qwen2.5-0.5B --prompt \"The capital of France is\" --max-new-tokens " +
            "20 --adapter runs/ft/adapter --merge")
        {
            model, tokenizer, prompt, adapter, merge, maxNew, temperature, topP, topK, seed, set,
        };
        command.SetAction(parse =>
        {
            // The flags are --set shorthands, applied after the --set list.
            var settings = (parse.GetValue(set) ?? []).ToList();
            void Flag<T>(string key, T? value) where T : struct
            {
                if (value is { } v)
                    settings.Add($"{key}={Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)}");
            }
            Flag("max_new_tokens", parse.GetValue(maxNew));
            Flag("temperature", parse.GetValue(temperature));
            Flag("top_p", parse.GetValue(topP));
            Flag("top_k", parse.GetValue(topK));
            Flag("seed", parse.GetValue(seed));
            var config = ConfigLoader.Load<GenerationConfig>(null, settings);
            AdapterTextCompletion.Run(parse.GetValue(model)!, parse.GetValue(tokenizer), parse.GetValue(prompt)!,
                config, parse.InvocationConfiguration.Output, parse.GetValue(adapter), parse.GetValue(merge));
            return 0;
        });
        return command;
    }
}
