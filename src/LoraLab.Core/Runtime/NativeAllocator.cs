using System.Runtime.InteropServices;

namespace LoraLab.Core.Runtime;

/// <summary>
/// glibc malloc tuning for libtorch's large tensors. By default glibc serves every allocation over 128 KiB with a
/// fresh mmap and returns it on free, so each training step page-faults its activations in again: on this VM that
/// made filling a new 1000×8192 float tensor 8 ms instead of 1.2 ms (feasibility §1.4). Raising the mmap and trim
/// thresholds keeps freed blocks in the heap for reuse — the same as MALLOC_MMAP_THRESHOLD_=33554432
/// MALLOC_TRIM_THRESHOLD_=4294967296, set from inside the process so users need no environment variables.
/// </summary>
public static class NativeAllocator
{
    const int MTrimThreshold = -1;   // glibc malloc.h
    const int MMmapThreshold = -3;

    static bool _applied;

    /// <summary>Applies the tuning once per process; false where glibc's mallopt is not available.</summary>
    public static bool TuneForLargeTensors()
    {
        if (_applied) return true;
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // 32 MiB is glibc's largest allowed mmap threshold (HEAP_MAX/2 on 64-bit is larger, but the tested value
            // is this one); trim only above 2 GiB of free heap top.
            _applied = mallopt(MMmapThreshold, 32 * 1024 * 1024) == 1 && mallopt(MTrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _applied = false;
        }
        return _applied;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}
