using System.Runtime.InteropServices;
using LoraLab.Runtime;
using TorchSharp;

namespace LoraLab.Training.Recipes;

/// <summary>Where a run ran: versions, threads, CPU, which MKL kernels (stored in result.json next to the wall
/// time).</summary>
public sealed record RunEnvironment(
    string Libtorch, string TorchSharp, string Dotnet, string Os, string Architecture, int ProcessorCount,
    int TorchThreads, string MklDispatch)
{
    public static RunEnvironment Capture() => new(
        torch.__version__,
        typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        torch.get_num_threads(),
        MklCpuDispatch.State?.ToString() ?? "not applied");
}
