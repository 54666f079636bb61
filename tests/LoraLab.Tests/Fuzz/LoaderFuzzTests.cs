using System.Text;
using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO.Config;
using LoraLab.IO.Safetensors;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Recipes;
using TorchSharp;
using Xunit.Abstractions;

namespace LoraLab.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of every loader that reads a user's file (FuzzHarness): safetensors weights,
/// adapter_config.json, finetune configs and sweep specs (checkpoints: <see cref="CheckpointFuzzTests"/>). Each
/// file type runs a fixed number of cases from a fixed seed
/// (printed with the outcome), so a failure replays exactly.
/// </summary>
public sealed class LoaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    const int Seed = 20260101;
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Cases per file type (seed files × cases per seed file); the total is the issue's ≥ 10,000.</summary>
    internal static readonly IReadOnlyDictionary<string, int> Planned = new Dictionary<string, int>
    {
        ["safetensors"] = 3 * 1500, ["adapter_config.json"] = 3 * 700, ["finetune config"] = 5 * 420,
        ["sweep spec"] = 4 * 300,
    };

    [Fact]
    public void Planned_AtLeastTenThousandCases()
    {
        var total = Planned.Values.Sum() + CheckpointFuzzTests.Cases;
        var line = $"fuzz plan: {total} cases (" + string.Join(", ", Planned.Select(p => $"{p.Key} {p.Value}")) +
                   $", checkpoint {CheckpointFuzzTests.Cases})";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(total >= 10_000, line);
    }

    [Fact]
    public void Safetensors_MutatedFiles_LoadOrOneLineError()
    {
        var seeds = new List<(string, byte[])>
        {
            ("gpt2", File.ReadAllBytes(RepoPaths.Data("tiny-gpt2-random-fixture/model.safetensors"))),
            ("mixed", MixedSafetensors()), ("table", SafetensorsMalformedCases.ValidFile),
        };
        var mutator = new SafetensorsMutator(new Random(Seed));
        var outcome = FuzzHarness.Run("safetensors", seeds, Planned["safetensors"] / seeds.Count, mutator.Mutate,
                                      LoadSafetensors, allocationSlack: 256 * 1024, output);
        Assert.True(outcome.Loaded > 100,
                    $"only {outcome.Loaded} mutated files loaded: the mutations never reach the data path");
        Assert.True(outcome.Rejected > 1000, $"only {outcome.Rejected} mutated files rejected");
    }

    /// <summary>A file that loads must give each tensor exactly its header span.</summary>
    static void LoadSafetensors(byte[] file, string label)
    {
        using var stream = new MemoryStream(file, writable: false);
        var tensors = SafetensorsReader.Load(stream, label);
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
    }

    [Fact]
    public void AdapterConfig_MutatedFiles_LoadOrOneLineError()
    {
        var seeds = new List<(string, byte[])>
        {
            ("init-a", AdapterConfig(new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] },
                                     ["classifier"])),
            ("pissa-regex", AdapterConfig(new LoraConfig
            {
                Rank = 4, Alpha = 4, Init = LoraInit.Pissa, TargetRegex = @".*\.(q|v)_proj",
                Scaling = LoraScaling.AlphaOverSqrtR,
                RankPattern = new Dictionary<string, int> { ["layers.0.q_proj"] = 2 },
                AlphaPattern = new Dictionary<string, double> { ["layers.1.v_proj"] = 8 },
            }, null)),
            ("both-random", AdapterConfig(new LoraConfig
            {
                Rank = 2, Alpha = 1, Init = LoraInit.BothRandom, Dropout = 0.1, TargetModules = ["wq"],
                ExcludeModules = ["layers.0.wq"],
            }, null)),
        };
        var outcome = FuzzHarness.Run("adapter_config.json", seeds, Planned["adapter_config.json"] / seeds.Count,
            new JsonMutator(new Random(Seed)).Mutate,
            (file, label) =>
                AdapterConfigMapping.ToLora(AdapterConfigJsonFile.Load(Write(file, label))).Validate().ToList(),
            allocationSlack: 4 << 20, output);
        AssertBothPaths(outcome);
    }

    static byte[] AdapterConfig(LoraConfig lora, IReadOnlyList<string>? modulesToSave) => Encoding.UTF8.GetBytes(
        AdapterConfigJsonFile.ToJson(AdapterConfigMapping.ToPeft(lora,
            new AdapterSaveInfo("data/stories260K/stories260K.bin", "CAUSAL_LM", new LoralabAdapterExtras { Seed = 3 },
                                modulesToSave))));

    [Fact]
    public void FinetuneConfig_MutatedFiles_LoadOrOneLineError()
    {
        var seeds = Directory.GetFiles(Path.Combine(RepoPaths.Root, "configs"), "*.json").Order()
            .Select(p => (Path.GetFileName(p), File.ReadAllBytes(p))).ToList();
        Assert.Equal(5, seeds.Count);
        var outcome = FuzzHarness.Run("finetune config", seeds, Planned["finetune config"] / seeds.Count,
            new JsonMutator(new Random(Seed)).Mutate,
            (file, label) => ConfigLoader.Load<FinetuneConfig>(Write(file, label)).ResolvedLora(),
            allocationSlack: 4 << 20, output);
        AssertBothPaths(outcome);
    }

    [Fact]
    public void SweepSpec_MutatedFiles_PlanOrOneLineError()
    {
        string[] specs = ["sweeps/smoke.json", "sweeps/toy-init.json", "paper/minilm-sst2.json",
                          "paper/stories260k-wikitext2.json"];
        var seeds = specs
            .Select(p => (Path.GetFileName(p), File.ReadAllBytes(Path.Combine(RepoPaths.Root, "configs", p)))).ToList();
        var outcome = FuzzHarness.Run("sweep spec", seeds, Planned["sweep spec"] / seeds.Count,
            new JsonMutator(new Random(Seed)).Mutate,
            (file, label) =>
            {
                var path = Write(file, label);
                SweepPlanner.Plan(SweepSpec.Load(path), RunKinds.Default, path);
            },
            allocationSlack: 16 << 20, output);
        AssertBothPaths(outcome);
    }

    /// <summary>The case as a file named after its label, so the loaders read it as they read a user's file.</summary>
    string Write(byte[] file, string label)
    {
        var path = _dir.File(label);
        File.WriteAllBytes(path, file);
        return path;
    }

    static void AssertBothPaths(FuzzOutcome outcome)
    {
        Assert.True(outcome.Loaded > outcome.Cases / 50,
                    $"only {outcome.Loaded} of {outcome.Cases} accepted: mutations too blunt");
        Assert.True(outcome.Rejected > outcome.Cases / 4, $"only {outcome.Rejected} of {outcome.Cases} rejected");
    }

    byte[] MixedSafetensors()
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
            ["f32"] = f32, ["f16"] = f16, ["bf16"] = bf16, ["i64"] = i64, ["flags"] = flags, ["u8"] = bytes,
            ["empty"] = empty,
        }, new Dictionary<string, string> { ["format"] = "pt" });
        return File.ReadAllBytes(path);
    }
}
