using System.Runtime.InteropServices;
using TorchSharp;

namespace LoraLab.Training.Recipes;

/// <summary>Where a run ran: versions, threads, CPU (stored in result.json next to the wall time).</summary>
public sealed record RunEnvironment(
    string Libtorch, string TorchSharp, string Dotnet, string Os, string Architecture, int ProcessorCount, int TorchThreads)
{
    public static RunEnvironment Capture() => new(
        torch.__version__,
        typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        torch.get_num_threads());
}
