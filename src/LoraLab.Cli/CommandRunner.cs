using System.CommandLine;
using LoraLab.IO;

namespace LoraLab.Cli;

/// <summary>
/// Runs a command's action so that a user error is one line on stderr and a non-zero exit code; the stack trace is
/// printed only with <c>--verbose</c>.
/// </summary>
internal static class CommandRunner
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print stack traces on errors.",
        Recursive = true,
    };

    public static int Invoke(RootCommand root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var config = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = stdout ?? Console.Out,
            Error = stderr ?? Console.Error,
        };
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception ex)
        {
            return Report(ex, parse.GetValue(Verbose), config.Error);
        }
    }

    static int Report(Exception ex, bool verbose, TextWriter stderr)
    {
        var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : ex;
        switch (inner)
        {
            case LoraLabException user:
                stderr.WriteLine($"error: {user.Message}");
                if (verbose) stderr.WriteLine(user);
                return user.ExitCode;
            case OperationCanceledException:
                stderr.WriteLine("error: cancelled");
                return ExitCodes.RunFailed;
            default:
                stderr.WriteLine($"error: {inner.GetType().Name}: {OneLine(inner.Message)}" +
                                 (verbose ? "" : " (run with --verbose for the stack trace)"));
                if (verbose) stderr.WriteLine(inner);
                return ExitCodes.Internal;
        }
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
