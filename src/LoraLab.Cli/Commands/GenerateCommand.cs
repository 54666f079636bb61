using System.CommandLine;
using LoraLab.Core.Config;
using LoraLab.Models.Generation;
using LoraLab.Models.Llama;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab generate</c>: sample text from a Llama checkpoint (llama2.c .bin or HF folder).</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "llama2.c .bin checkpoint or Hugging Face Llama folder." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "llama2.c tokenizer .bin or HF tokenizer.json (default: <folder>/tokenizer.bin, else <folder>/tokenizer.json)." };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue.", DefaultValueFactory = _ => "" };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT-format LoRA adapter folder to apply." };
        var merge = new Option<bool>("--merge") { Description = "Fold the adapter into the weights (W + s·B·A) before generating." };
        var set = new Option<string[]>("--set") { Description = "Generation setting key=value: max_new_tokens, temperature, top_p, seed." };
        var command = new Command("generate",
            "Continue a prompt with a Llama model: greedy at temperature 0, else temperature and top-p sampling with a seed.\n" +
            "Example: loralab generate data/stories260K/stories260K.bin --tokenizer data/stories260K/tok512.bin " +
            "--prompt \"Once upon a time\" --set temperature=0.8 --set top_p=0.9 --set seed=7\n" +
            "Example: loralab generate data/stories260K/stories260K.bin --tokenizer data/stories260K/tok512.bin --adapter runs/ft/adapter --merge")
        {
            model, tokenizer, prompt, adapter, merge, set,
        };
        command.SetAction(parse =>
        {
            var config = ConfigLoader.Load<GenerationConfig>(null, parse.GetValue(set));
            var text = LlamaCompletion.Complete(parse.GetValue(model)!, parse.GetValue(tokenizer), parse.GetValue(prompt)!, config,
                                              parse.GetValue(adapter), parse.GetValue(merge));
            parse.InvocationConfiguration.Output.WriteLine(text);
            return 0;
        });
        return command;
    }
}
