using LoraLab.IO;
using Xunit.Abstractions;

namespace LoraLab.Tests.Fuzz;

/// <summary>How one file type's mutated cases ended.</summary>
internal sealed record FuzzOutcome(int Loaded, int Rejected)
{
    public int Cases => Loaded + Rejected;
}

/// <summary>
/// Runs seeded mutations of seed files through a loader. A case passes when the loader accepts the file or rejects it
/// with a one-line <see cref="LoraLabException"/> whose message names the file (its label); any other exception
/// fails the test, and so does a read that allocates more managed memory than a multiple of the file size (a length
/// field or shape cannot make it allocate what the file does not hold). The case count per file type is printed to
/// the test output and to the console (CI logs).
/// </summary>
internal static class FuzzHarness
{
    public static FuzzOutcome Run(string fileType, IReadOnlyList<(string Name, byte[] Bytes)> seeds, int casesPerSeed,
                                  Func<byte[], byte[]> mutate, Action<byte[], string> load, long allocationSlack,
                                  ITestOutputHelper output)
    {
        int loaded = 0, rejected = 0;
        foreach (var (seedName, seed) in seeds)
            for (var i = 0; i < casesPerSeed; i++)
            {
                var file = mutate(seed);
                var label = $"{seedName}#{i}";
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    load(file, label);
                    loaded++;
                }
                catch (LoraLabException ex)
                {
                    Assert.True(ex.Message.Contains(label, StringComparison.Ordinal),
                                $"{label}: message does not name the file: {ex.Message}");
                    Assert.False(ex.Message.Contains('\n'),
                                 $"{fileType} {label}: message of several lines: {ex.Message}");
                    rejected++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{fileType} {label}: {ex.GetType().Name} instead of LoraLabException: {ex}\n" +
                                $"case (base64): {Convert.ToBase64String(file)}");
                }
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                var bound = allocationSlack + 64L * file.Length;
                Assert.True(allocated <= bound,
                            $"{fileType} {label}: {allocated} bytes allocated for a {file.Length}-byte file");
            }
        var line = $"fuzz {fileType}: {loaded + rejected} mutated cases from {seeds.Count} seed files: " +
                   $"{loaded} accepted, {rejected} rejected with one line, 0 crashes";
        output.WriteLine(line);
        Console.WriteLine(line);
        return new FuzzOutcome(loaded, rejected);
    }
}
