using System.CommandLine;
using LoraLab.Cli.Commands;

namespace LoraLab.Cli;

/// <summary>The command tree; each command lives in Commands/&lt;Name&gt;Command.cs and calls one library
/// function.</summary>
internal static class CliRoot
{
    public static RootCommand Build()
    {
        var root = new RootCommand("LoraLab: LoRA finetuning where the init scheme and the learning rate are " +
                                   "measured, not guessed.");
        root.Options.Add(CommandRunner.Verbose);

        var adapter = new Command("adapter", "Create and inspect PEFT-format LoRA adapters.");
        adapter.Subcommands.Add(AdapterInitCommand.Create());
        adapter.Subcommands.Add(AdapterInspectCommand.Create());
        root.Subcommands.Add(adapter);
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(LrFindCommand.Create());
        root.Subcommands.Add(TuneCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ConvertLlama2cCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());

        return root;
    }
}
