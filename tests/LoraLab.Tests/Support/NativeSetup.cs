using System.Runtime.CompilerServices;
using LoraLab.Runtime;

namespace LoraLab.Tests.Support;

/// <summary>The tests run libtorch as the CLI does (src/LoraLab.Cli/Program.cs): malloc thresholds and MKL's
/// feature-based dispatch are applied before any test touches a tensor.</summary>
static class NativeSetup
{
    [ModuleInitializer]
    internal static void Apply()
    {
        NativeRuntime.Configure();
        MklCpuDispatch.Enable();
    }
}
