using LoraLab.Core;
using LoraLab.Core.Safetensors;
using TorchSharp;
using Xunit.Abstractions;

namespace LoraLab.Tests.Core.Safetensors;

/// <summary>
/// Seeded mutation fuzzing of the reader: every mutated file either loads, with each tensor exactly as many bytes as
/// its header span, or is rejected with a <see cref="LoraLabException"/>; any other exception fails. Managed
/// allocation per read is bounded by a multiple of the file size (a header length or shape cannot make it allocate
/// more than the file holds).
/// </summary>
public sealed class SafetensorsFuzzTests(ITestOutputHelper output) : IDisposable
{
    const int Seed = 20260101;
    const int CasesPerSeedFile = 1500;
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_MutatedFiles_LoadOrLoraLabExceptionOnly()
    {
        var random = new Random(Seed);
        var mutator = new SafetensorsMutator(random);
        int loaded = 0, rejected = 0;
        foreach (var (seedName, seedFile) in SeedFiles())
        {
            for (var i = 0; i < CasesPerSeedFile; i++)
            {
                var file = mutator.Mutate(seedFile);
                if (ReadOne(file, $"{seedName}#{i}")) loaded++;
                else rejected++;
            }
        }
        output.WriteLine($"seed {Seed}: {loaded} mutated files loaded, {rejected} rejected");
        Assert.True(loaded + rejected >= 3000);
        Assert.True(loaded > 100, $"only {loaded} mutated files loaded: the mutations never reach the data path");
        Assert.True(rejected > 1000, $"only {rejected} mutated files rejected");
    }

    static bool ReadOne(byte[] file, string label)
    {
        using var stream = new MemoryStream(file, writable: false);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Dictionary<string, torch.Tensor> tensors;
        try
        {
            tensors = SafetensorsReader.Load(stream, label);
        }
        catch (LoraLabException ex)
        {
            Assert.StartsWith($"{label}: ", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
            AssertBoundedAllocation(before, file.Length, label);
            return false;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{label}: {ex.GetType().Name} instead of LoraLabException: {ex.Message}");
            throw;
        }
        AssertBoundedAllocation(before, file.Length, label);
        var header = SafetensorsReader.ReadHeader(stream, label);
        long total = 0;
        foreach (var entry in header.Entries)
        {
            using var t = tensors[entry.Name];
            Assert.Equal(entry.ByteLength, t.numel() * t.element_size());
            Assert.Equal(entry.Shape, t.shape);
            total += entry.ByteLength;
        }
        Assert.True(total <= file.Length, $"{label}: {total} tensor bytes from a {file.Length}-byte file");
        return true;
    }

    static void AssertBoundedAllocation(long before, int fileLength, string label)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var bound = 256 * 1024 + 64L * fileLength;
        Assert.True(allocated <= bound, $"{label}: {allocated} bytes allocated reading a {fileLength}-byte file");
    }

    IEnumerable<(string, byte[])> SeedFiles()
    {
        yield return ("gpt2", File.ReadAllBytes(RepoPaths.Data("tiny-gpt2-random-fixture/model.safetensors")));
        yield return ("mixed", Mixed());
        yield return ("table", SafetensorsMalformedCases.ValidFile);
    }

    byte[] Mixed()
    {
        var path = _dir.File("mixed.safetensors");
        using var f32 = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var f16 = torch.ones(3, dtype: torch.float16);
        using var bf16 = torch.ones(2, 2, dtype: torch.bfloat16);
        using var i64 = torch.tensor(5L);
        using var flags = torch.tensor(new[] { true, false });
        using var bytes = torch.arange(4, dtype: torch.uint8);
        using var empty = torch.empty(0, 3);
        SafetensorsFile.Save(path, new Dictionary<string, torch.Tensor>
        {
            ["f32"] = f32, ["f16"] = f16, ["bf16"] = bf16, ["i64"] = i64, ["flags"] = flags, ["u8"] = bytes, ["empty"] = empty,
        }, new Dictionary<string, string> { ["format"] = "pt" });
        return File.ReadAllBytes(path);
    }
}
