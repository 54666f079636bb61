using System.CommandLine;
using LoraLab.Core.Adapters;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab adapter inspect DIR</c>: config, per-tensor statistics, and whether B·A = 0.</summary>
internal static class AdapterInspectCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir")
        {
            Description = "Adapter folder (adapter_config.json + adapter_model.safetensors).",
        };
        var command = new Command("inspect",
            "Print an adapter's config and, per tensor, shape, mean, std, min and max, and per module whether " +
            "B·A = 0.\n" +
            "Example: loralab adapter inspect adapter-a")
        {
            dir,
        };
        command.SetAction(parse =>
        {
            var folder = PeftAdapter.Read(parse.GetValue(dir)!);
            parse.InvocationConfiguration.Output.Write(AdapterInspection.Describe(folder));
            return ExitCodes.Ok;
        });
        return command;
    }
}
