using System.Globalization;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// What every benchmark output starts with (issue 18): the CPU (model name, family, model from /proc/cpuinfo), the
/// instruction set MKL dispatches to (MKL's own verbose banner, captured from the C stdout around one GEMM), the
/// threads, and the 1024³ sgemm rate measured in the same process: the peak that the workloads' rates are set against.
/// </summary>
public static class MachineInfo
{
    /// <summary>GFLOP/s of a 1024³ float32 matmul on the current threads (median of 5 trials of ≥ 0.2 s).</summary>
    public static double GemmPeak { get; private set; } = double.NaN;

    public static void PrintHeader()
    {
        var isa = MklIsa();
        using (var scope = NewDisposeScope())
        {
            var a = randn(1024, 1024);
            var b = randn(1024, 1024);
            var t = Harness.Measure("gemm 1024^3", () => { using var s = NewDisposeScope(); matmul(a, b); },
                trials: 5, minTrialSeconds: 0.2, warmup: 3);
            GemmPeak = 2.0 * 1024 * 1024 * 1024 / (t.MedianMs * 1e6);
        }
        Console.WriteLine($"# cpu: {CpuDescription()}");
        Console.WriteLine($"# mkl isa: {isa}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# threads {get_num_threads()}; gemm peak (1024^3 sgemm, this run) {GemmPeak:F1} GFLOP/s; " +
            $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
    }

    /// <summary>"AMD EPYC (family 25, model 17)" from /proc/cpuinfo; "unknown" elsewhere.</summary>
    public static string CpuDescription()
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown";
        var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList();
        string Field(string key) =>
            lines.FirstOrDefault(l => l.Split(':')[0].Trim() == key)?.Split(':', 2)[1].Trim() ?? "?";
        return $"{Field("model name")} (vendor {Field("vendor_id")}, family {Field("cpu family")}, " +
               $"model {Field("model")})";
    }

    /// <summary>
    /// MKL's verbose banner names the code path it dispatched to ("Intel(R) Advanced Vector Extensions 512 ...").
    /// mkl_verbose(1) prints it on the C stdout at the next MKL call, so fd 1 is pointed at a file for one GEMM.
    /// </summary>
    static string MklIsa()
    {
        var path = Path.Combine(Path.GetTempPath(), $"loralab-mkl-{Environment.ProcessId}.txt");
        try
        {
            Console.Out.Flush();
            fflush(IntPtr.Zero);
            var saved = dup(1);
            var file = open(path, 0x1 | 0x40 | 0x200, 0x180);                  // O_WRONLY | O_CREAT | O_TRUNC, 0600
            if (saved < 0 || file < 0) return "unknown (could not redirect stdout)";
            dup2(file, 1);
            try
            {
                mkl_verbose(1);
                using var scope = NewDisposeScope();
                matmul(ones(64, 64), ones(64, 64));
                mkl_verbose(0);
            }
            finally
            {
                fflush(IntPtr.Zero);
                dup2(saved, 1);
                close(file);
                close(saved);
            }
            var banner = File.ReadLines(path).FirstOrDefault(l => l.Contains("architecture"));
            if (banner is null) return "unknown (MKL printed no banner)";
            var start = banner.IndexOf("architecture", StringComparison.Ordinal) + "architecture".Length;
            var end = banner.IndexOf(", Lnx", StringComparison.Ordinal);
            return banner[start..(end > start ? end : banner.Length)].Trim();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"unknown ({ex.GetType().Name})";
        }
        finally
        {
            File.Delete(path);
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "MKL_Verbose")] static extern int mkl_verbose(int enable);
    [DllImport("libc")] static extern int fflush(IntPtr stream);
    [DllImport("libc")] static extern int dup(int fd);
    [DllImport("libc")] static extern int dup2(int fd, int fd2);
    [DllImport("libc")] static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] static extern int open(string path, int flags, int mode);
}
