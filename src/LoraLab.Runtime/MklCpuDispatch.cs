using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace LoraLab.Runtime;

/// <summary>What <see cref="MklCpuDispatch.Enable"/> did.</summary>
public enum MklDispatch
{
    /// <summary>Not an AMD CPU with AVX-512 (or not Linux x64): MKL's own choice is already the right one.</summary>
    NotNeeded,
    /// <summary>Turned off by <c>LORALAB_MKL_VENDOR_CHECK=keep</c>.</summary>
    KeptByUser,
    /// <summary>MKL now picks its kernels by CPU features alone (AVX-512 on this AMD CPU).</summary>
    FeatureBased,
    /// <summary>This libtorch's MKL does not look as expected (symbol missing or code changed); left
    /// untouched.</summary>
    Unavailable,
}

/// <summary>
/// Lets the MKL inside libtorch use its AVX-512 GEMM kernels on AMD CPUs that have AVX-512 (Zen 4 and later).
/// MKL chooses kernels by CPU vendor before features: on a non-Intel CPU it never takes its AVX-512 path, so on this
/// machine (AMD EPYC, AVX-512) a 1024³ SGEMM ran at 209 GFLOP/s instead of 474 (docs/performance.md, "GEMM").
/// <para>
/// MKL caches its vendor check in a static int that <c>mkl_serv_intel_cpu_true()</c> computes on first use
/// (−1 = not yet, 0 = not Intel, 1 = Intel) and that the rest of MKL's dispatch reads. Setting it to 1 before the
/// first GEMM makes MKL dispatch on CPUID feature bits alone, so only instructions the CPU reports are executed; the
/// well-known alternative is an <c>LD_PRELOAD</c> shim returning 1 from that function, which needs a compiler and a
/// variable set before the process starts. The cache's address is read from the function's first instruction
/// (<c>mov eax, [rip + rel32]</c>); if the code does not match that pattern exactly, nothing is written.
/// </para>
/// Numbers differ from MKL's AVX2 path at float rounding level (both are correct); results are reproducible per
/// machine. <c>LORALAB_MKL_VENDOR_CHECK=keep</c> leaves MKL as it is.
/// </summary>
public static class MklCpuDispatch
{
    const string OptOutVariable = "LORALAB_MKL_VENDOR_CHECK";
    const int RtldNow = 2, RtldNoload = 4;

    static MklDispatch? _state;

    /// <summary>The state after <see cref="Enable"/> (null before it ran).</summary>
    public static MklDispatch? State => _state;

    /// <summary>Applies the change once per process; call before the first torch computation. Loads libtorch.</summary>
    public static MklDispatch Enable()
    {
        if (_state is { } done) return done;
        _state = Apply();
        return _state.Value;
    }

    static MklDispatch Apply()
    {
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "keep") return MklDispatch.KeptByUser;
        if (!OperatingSystem.IsLinux() || !X86Base.IsSupported || !Avx512F.IsSupported || !IsAmd())
            return MklDispatch.NotNeeded;
        try
        {
            // makes TorchSharp load libtorch (and with it libtorch_cpu.so, which holds MKL)
            _ = torch.get_num_threads();
            var library = dlopen("libtorch_cpu.so", RtldNow | RtldNoload);   // the copy already loaded, never a second
            if (library == IntPtr.Zero) return MklDispatch.Unavailable;
            var function = dlsym(library, "mkl_serv_intel_cpu_true");
            if (function == IntPtr.Zero) return MklDispatch.Unavailable;
            var cache = CacheAddress(function);
            if (cache == IntPtr.Zero) return MklDispatch.Unavailable;
            Marshal.WriteInt32(cache, 1);
            return Marshal.GetDelegateForFunctionPointer<IntFunction>(function)() == 1
                ? MklDispatch.FeatureBased
                : MklDispatch.Unavailable;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException
                                       or TypeInitializationException or NotSupportedException)
        {
            return MklDispatch.Unavailable;   // libtorch does not load: the command that needs it reports why
        }
    }

    /// <summary>The cache the function returns when it is ≥ 0: its code must start with
    /// <c>8B 05 rel32</c> (mov eax, [rip + rel32]), <c>85 C0</c> (test eax, eax), <c>78</c> (js: compute if
    /// negative).</summary>
    static IntPtr CacheAddress(IntPtr function)
    {
        var code = new byte[9];
        Marshal.Copy(function, code, 0, code.Length);
        if (code is not [0x8B, 0x05, _, _, _, _, 0x85, 0xC0, 0x78]) return IntPtr.Zero;
        return function + 6 + BitConverter.ToInt32(code, 2);   // rip-relative: from the end of the 6-byte mov
    }

    static bool IsAmd()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);   // vendor string in ebx, edx, ecx
        return (ebx, edx, ecx) == (0x68747541, 0x69746E65, 0x444D4163);   // "Auth" "enti" "cAMD"
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int IntFunction();

    [DllImport("libc", EntryPoint = "dlopen")]
    static extern IntPtr dlopen(string file, int mode);

    [DllImport("libc", EntryPoint = "dlsym")]
    static extern IntPtr dlsym(IntPtr handle, string symbol);
}
