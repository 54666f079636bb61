using System.CommandLine;
using LoraLab.Models;
using LoraLab.Training.Adapters;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab merge</c>: fold a LoRA adapter into its base model and write a plain HF model folder.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "Base model: HF folder (llama, mistral, qwen2, gpt2) or llama2.c .bin.", Required = true,
        };
        var adapter = new Option<string>("--adapter")
        {
            Description = "PEFT-format LoRA adapter folder.",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder to write the merged model to.",
            Required = true,
        };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "Tokenizer of a llama2.c .bin (tok512.bin), or another folder's tokenizer files.",
        };
        var shard = new Option<long?>("--shard-max-bytes")
        {
            Description = "Split the weights into shards of at most this size.",
        };
        var command = new Command("merge",
            "Write base + adapter (W + s·B·A) as a model folder: config.json, safetensors in the base's dtype, " +
            "tokenizer files.\n" +
            "Example: loralab merge --model path/to/Qwen2.5-0.5B --adapter runs/ft/adapter --out merged/qwen-ft\n" +
            "Example: loralab merge --model data/stories260K/stories260K.bin --tokenizer data/stories260K/tok512.bin " +
            "--adapter runs/wt2/adapter --out merged/stories-wt2")
        {
            model, adapter, output, tokenizer, shard,
        };
        command.SetAction(parse =>
        {
            var outDir = parse.GetValue(output)!;
            MergedModelWriter.Write(parse.GetValue(model)!, parse.GetValue(adapter)!, outDir, parse.GetValue(tokenizer),
                parse.GetValue(shard));
            parse.InvocationConfiguration.Output.WriteLine($"merged model written to {outDir}");
            return 0;
        });
        return command;
    }
}
