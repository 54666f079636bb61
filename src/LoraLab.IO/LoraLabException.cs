namespace LoraLab.IO;

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
