using System.Reflection;
using System.Runtime.InteropServices;

namespace LoraLab.Experiments.Sweeps;

/// <summary>Where a run executed: torch threads, host, OS, runtime and library versions.</summary>
public sealed record RunEnvironment
{
    public int Threads { get; init; }
    public string Host { get; init; } = "";
    public string Os { get; init; } = "";
    public string Dotnet { get; init; } = "";
    public string Loralab { get; init; } = "";
    public string Torchsharp { get; init; } = "";

    public static RunEnvironment Current(int threads) => new()
    {
        Threads = threads,
        Host = Environment.MachineName,
        Os = RuntimeInformation.OSDescription,
        Dotnet = RuntimeInformation.FrameworkDescription,
        Loralab = Version(typeof(RunEnvironment).Assembly),
        Torchsharp = Version(typeof(TorchSharp.torch).Assembly),
    };

    static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "?";
}
