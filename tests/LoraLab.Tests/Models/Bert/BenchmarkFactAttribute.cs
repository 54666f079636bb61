namespace LoraLab.Tests.Models.Bert;

/// <summary>
/// A benchmark, not a test: skipped unless LORALAB_BENCH=1, so CI never times anything
/// (numbers go to docs/performance.md with the command that reproduces them).
/// </summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LORALAB_BENCH") != "1") Skip = "benchmark: set LORALAB_BENCH=1 to run";
    }
}
