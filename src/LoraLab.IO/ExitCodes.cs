namespace LoraLab.IO;

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
