using System.Runtime.InteropServices;

namespace LoraLab.Runtime;

/// <summary>
/// Process-wide native settings for libtorch, applied once, before the first torch call.
/// <list type="bullet">
/// <item>glibc malloc: by default every allocation over 128 KiB is a fresh mmap returned on free, so each step
/// page-faults its activations in again (filling a new 1000×8192 float tensor took 8 ms instead of 1.2 ms,
/// docs/reference/feasibility.md §1.4). Raising the mmap and trim thresholds keeps freed blocks for reuse (the same as
/// MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=…, set from inside the process).</item>
/// </list>
/// OpenMP's wait policy is left alone: libgomp's default spinning is the fastest on a dedicated machine (MiniLM
/// step 0.53 s vs 0.73 s with OMP_WAIT_POLICY=PASSIVE), and LoraLab's defaults (one thread per run, sweep jobs ×
/// threads ≤ cores) have no other process to spin against. On a shared machine with 2 threads per run, set
/// OMP_WAIT_POLICY=PASSIVE (docs/performance.md, "Threading").
/// </summary>
public static class NativeRuntime
{
    const int MTrimThreshold = -1;   // glibc malloc.h
    const int MMmapThreshold = -3;

    static bool _configured;

    /// <summary>Applies the settings once per process; false where glibc is not available.</summary>
    public static bool Configure()
    {
        if (_configured) return true;
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // 32 MiB mmap threshold (glibc's tested maximum for this use); trim only above 2 GiB of free heap top.
            _configured = mallopt(MMmapThreshold, 32 * 1024 * 1024) == 1 && mallopt(MTrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _configured = false;
        }
        return _configured;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}
