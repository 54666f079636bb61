using LoraLab.Cli;
using LoraLab.Core.Runtime;

NativeAllocator.TuneForLargeTensors();
return CommandRunner.Invoke(CliRoot.Build(), args);
