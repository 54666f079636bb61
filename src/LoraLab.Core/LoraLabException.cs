namespace LoraLab.Core;

/// <summary>
/// A problem with what the user gave us (a config, a file, a dataset, an option): the CLI prints its message as
/// one line on stderr and exits with <see cref="ExitCode"/>, without a stack trace.
/// Messages name the problem and where it is ("adapter_model.safetensors: header length 9000 exceeds file size 812").
/// </summary>
public sealed class LoraLabException(string message, int exitCode = ExitCodes.BadInput, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Process exit codes, in one place (sysexits.h where one fits).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A run failed or diverged where divergence is an error, or a run in a sweep failed.</summary>
    public const int RunFailed = 1;
    /// <summary>Results are incomplete (a merge with missing runs).</summary>
    public const int Incomplete = 2;
    /// <summary>Bad command line or config (EX_USAGE).</summary>
    public const int Usage = 64;
    /// <summary>Bad input data or file (EX_DATAERR).</summary>
    public const int BadInput = 65;
    /// <summary>An unexpected internal error (EX_SOFTWARE).</summary>
    public const int Internal = 70;
}
