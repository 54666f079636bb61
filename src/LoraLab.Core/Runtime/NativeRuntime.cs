using System.Runtime.InteropServices;

namespace LoraLab.Core.Runtime;

/// <summary>
/// Process-wide native settings for libtorch on a small shared CPU box, applied once, before the first torch call.
/// <list type="bullet">
/// <item>glibc malloc: by default every allocation over 128 KiB is a fresh mmap returned on free, so each step
/// page-faults its activations in again (filling a new 1000×8192 float tensor took 8 ms instead of 1.2 ms,
/// feasibility §1.4). Raising the mmap and trim thresholds keeps freed blocks for reuse (the same as
/// MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=…, set from inside the process).</item>
/// <item>OpenMP: libgomp's threads spin for ~300,000 iterations between parallel regions by default; when another
/// process holds a core, a 2-thread step then waits for a descheduled spinner and runs 3–10× slower than with one
/// thread (stories260K step 0.21 → 1.1 s, LoRA linear 1 → 100 ms at load 4–6). OMP_WAIT_POLICY=PASSIVE (sleep at
/// once) kept them at 0.26 s and 2–3 ms under the same load, at a cost on an idle box where spinning pays (LoRA
/// linear 0.97 → 1.97 ms; a real training step ~5 %). A shared or busy machine is the common case for a sweep, so
/// PASSIVE is the default (docs/performance.md, "Threading"). libgomp reads it when libtorch is loaded, so it is put
/// into the native environment here, unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT.</item>
/// </list>
/// </summary>
public static class NativeRuntime
{
    const int MTrimThreshold = -1;   // glibc malloc.h
    const int MMmapThreshold = -3;

    static bool _configured;

    /// <summary>Applies both settings once per process; false where glibc is not available.</summary>
    public static bool Configure()
    {
        if (_configured) return true;
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is null)
                setenv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
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

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv(string name, string value, int overwrite);
}
