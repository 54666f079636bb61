using System.Reflection;
using System.Runtime.InteropServices;
using LoraLab.Runtime;

namespace LoraLab.Experiments.Sweeps;

/// <summary>Where a run executed: torch threads, host, OS, runtime and library versions, MKL's kernel choice.</summary>
public sealed record RunEnvironment
{
    public int Threads { get; init; }
    public string Host { get; init; } = "";
    public string Os { get; init; } = "";
    public string Dotnet { get; init; } = "";
    public string Loralab { get; init; } = "";
    public string Torchsharp { get; init; } = "";
    /// <summary>How MKL picked its kernels (<see cref="MklCpuDispatch"/>): FeatureBased = AVX-512 on an AMD
    /// CPU.</summary>
    public string MklDispatch { get; init; } = "";

    public static RunEnvironment Current(int threads) => new()
    {
        Threads = threads,
        Host = Environment.MachineName,
        Os = RuntimeInformation.OSDescription,
        Dotnet = RuntimeInformation.FrameworkDescription,
        Loralab = Version(typeof(RunEnvironment).Assembly),
        Torchsharp = Version(typeof(TorchSharp.torch).Assembly),
        MklDispatch = MklCpuDispatch.State?.ToString() ?? "not applied",
    };

    static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "?";
}
