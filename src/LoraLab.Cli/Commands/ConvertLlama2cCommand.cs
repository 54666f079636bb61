using System.CommandLine;
using LoraLab.Models.Llama;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab convert-llama2c</c>: llama2.c legacy .bin → Hugging Face Llama folder.</summary>
internal static class ConvertLlama2cCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("checkpoint") { Description = "llama2.c legacy (version 0) .bin checkpoint." };
        var output = new Argument<string>("out-dir")
        {
            Description = "Folder to write config.json and safetensors into.",
        };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "llama2.c tokenizer .bin to copy in as tokenizer.bin.",
        };
        var shard = new Option<long?>("--shard-max-bytes")
        {
            Description = "Split weights into shards of at most this many bytes.",
        };
        var command = new Command("convert-llama2c",
            "Convert a llama2.c checkpoint into a Hugging Face LlamaForCausalLM folder (wq/wk rows permuted to HF's " +
            "RoPE layout).\n" +
            "Example: loralab convert-llama2c data/stories260K/stories260K.bin out/stories260K-hf --tokenizer " +
            "data/stories260K/tok512.bin")
        {
            input, output, tokenizer, shard,
        };
        command.SetAction(parse =>
        {
            HfLlama.Save(Llama2cCheckpoint.Load(parse.GetValue(input)!), parse.GetValue(output)!,
                parse.GetValue(shard), parse.GetValue(tokenizer));
            parse.InvocationConfiguration.Output.WriteLine($"wrote {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
