using LoraLab.Cli;
using LoraLab.Core.Runtime;

NativeRuntime.Configure();
return CommandRunner.Invoke(CliRoot.Build(), args);
