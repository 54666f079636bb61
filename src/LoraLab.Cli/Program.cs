using System.CommandLine;
using LoraLab.Cli;

// The command tree only; each command lives in Commands/<Name>Command.cs and calls one library function.
var root = new RootCommand("LoraLab: LoRA finetuning where the init scheme and the learning rate are measured, not guessed.");
root.Options.Add(CommandRunner.Verbose);

var adapter = new Command("adapter", "Create and inspect PEFT-format LoRA adapters.");
root.Subcommands.Add(adapter);
root.Subcommands.Add(LoraLab.Cli.Commands.FinetuneCommand.Create());

return CommandRunner.Invoke(root, args);
