using LoraLab.Cli;
using LoraLab.Runtime;

NativeRuntime.Configure();
MklCpuDispatch.Enable();   // before any GEMM: MKL's AVX-512 kernels on AMD CPUs that have AVX-512 (docs/performance.md)
return CommandRunner.Invoke(CliRoot.Build(), args);
