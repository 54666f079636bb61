using System.Globalization;
using LoraLab.IO.Safetensors;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// The side of the PyTorch-peer workloads (tools/peers/, scripts/bench-peers.sh) that LoraLab owns: the state both
/// sides start from is written once by LoraLab (<c>--export DIR</c>) and read by the peer, and every result is one
/// line the script parses: <c>RESULT workload median_ms min_ms max_ms cpu=CPU_ms extra</c> or
/// <c>LOSS workload step value</c>.
/// </summary>
public static class PeerOutput
{
    public static void Export(string? dir, string file, IEnumerable<(string Name, Tensor Value)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (dir is null) return;
        Directory.CreateDirectory(dir);
        var map = tensors.ToDictionary(t => t.Name, t => t.Value.detach().contiguous());
        SafetensorsFile.Save(Path.Combine(dir, file), map, metadata);
        Console.WriteLine($"# exported {map.Count} tensors to {Path.Combine(dir, file)}");
    }

    public static void Result(string workload, Harness.Timing t, string extra = "")
    {
        Harness.Print(t, extra);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {workload} {t.MedianMs:F3} {t.MinMs:F3} {t.MaxMs:F3} cpu={t.CpuMs:F3} {extra}"));
    }

    public static void Loss(string workload, int step, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LOSS {workload} {step} {value:R}"));

    /// <summary>Ratio of a workload's matmul rate to the GEMM peak measured at the start of this run.</summary>
    public static string PeakShare(double gflopPerStep, double ms) => string.Create(CultureInfo.InvariantCulture,
        $"{gflopPerStep / (ms / 1e3):F0} GFLOP/s = {gflopPerStep / (ms / 1e3) / MachineInfo.GemmPeak:P0} of gemm peak");
}
