using LoraLab.IO;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

/// <summary>Checkpoints and resume: a run "killed" (an exception mid-step, so only what was on disk survives) and
/// resumed ends with the same adapter bytes and the same metrics.jsonl as a run that never stopped; bad checkpoints
/// are reported and skipped.</summary>
[Collection(TorchCollection.Name)]
public sealed class FinetuneResumeTests
{
    // LoRA dropout on: the resumed run must also continue the torch RNG stream exactly.
    static FinetuneConfig Config(int steps = 12) => new()
    {
        Steps = steps, BatchSize = 16, EvalEvery = 4, Threads = 1, Seed = 5, CheckpointEvery = 3, KeepCheckpoints = 2,
        Lora = new() { Rank = 4, Alpha = 8, Dropout = 0.25 },
        Optim = new OptimizerConfig { Lr = 1e-2, WeightDecayA = 0.01 },
        Schedule = new LrSchedule { WarmupSteps = 2, Decay = LrDecay.Cosine },
    };

    static byte[] Adapter(TempDirectory dir) =>
        File.ReadAllBytes(Path.Combine(dir.Path, "adapter", "adapter_model.safetensors"));

    static FinetuneResult Uninterrupted(TempDirectory dir, FinetuneConfig config)
    {
        using var task = new TinyTask(seed: 5);
        return FinetuneRecipe.Train(config, task, dir.Path, TextWriter.Null);
    }

    /// <summary>Runs until Loss call <paramref name="killAtCall"/> throws (or to the end when null).</summary>
    static void Life(TempDirectory dir, FinetuneConfig config, bool resume, int? killAtCall, TextWriter? log = null)
    {
        using var task = new TinyTask(seed: 5, killAtCall: killAtCall);
        if (killAtCall is null) FinetuneRecipe.Train(config, task, dir.Path, log ?? TextWriter.Null, resume);
        else Assert.Throws<TinyTask.SimulatedKill>(
            () => FinetuneRecipe.Train(config, task, dir.Path, log ?? TextWriter.Null, resume));
    }

    [Theory]
    [InlineData(new[] { 8 })]            // between checkpoints 6 and 9
    [InlineData(new[] { 1, 4, 3 })]      // before the first step, then twice more
    [InlineData(new[] { 7, 1 })]         // the second life dies at once (resumes from the same checkpoint twice)
    public void KilledAndResumed_AdapterAndMetricsBitIdentical(int[] kills)
    {
        using var reference = new TempDirectory();
        using var killed = new TempDirectory();
        Uninterrupted(reference, Config());

        var resume = false;
        foreach (var call in kills)
        {
            Life(killed, Config(), resume, call);
            resume = true;
        }
        Life(killed, Config(), resume: true, killAtCall: null);

        Assert.Equal(Adapter(reference), Adapter(killed));
        Assert.Equal(File.ReadAllText(reference.File("metrics.jsonl")), File.ReadAllText(killed.File("metrics.jsonl")));
    }

    [Fact]
    public void Resume_GradAccumulationAndEpochBoundary_BitIdentical()
    {
        // 64 examples, batch 8 × 2 micro-batches: 4 steps per epoch, so the kill lands in the second epoch.
        var config = Config(10) with { BatchSize = 8, GradAccumSteps = 2, CheckpointEvery = 4 };
        using var reference = new TempDirectory();
        using var killed = new TempDirectory();
        Uninterrupted(reference, config);
        Life(killed, config, resume: false, killAtCall: 13);   // micro-batch 13 = step 7
        Life(killed, config, resume: true, killAtCall: null);
        Assert.Equal(Adapter(reference), Adapter(killed));
    }

    [Fact]
    public void Checkpoints_KeepsNewestK_AndWritesConfig()
    {
        using var dir = new TempDirectory();
        Uninterrupted(dir, Config());
        var files = Directory.GetFiles(Path.Combine(dir.Path, "checkpoints")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["step-00000009.safetensors", "step-00000012.safetensors"], files);
        var reloaded = LoraLab.IO.Config.ConfigLoader.Load<FinetuneConfig>(dir.File(FinetuneRecipe.ConfigFile));
        Assert.Equal(0.25, reloaded.Lora.Dropout);
        Assert.Equal(["query", "value"], reloaded.Lora.TargetModules);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    public void Resume_NewestCheckpointCorrupt_ReportedAndPreviousUsed(string damage)
    {
        using var reference = new TempDirectory();
        using var killed = new TempDirectory();
        Uninterrupted(reference, Config());
        Life(killed, Config(), resume: false, killAtCall: 11);          // checkpoints 6 and 9 on disk
        var newest = Path.Combine(killed.Path, "checkpoints", "step-00000009.safetensors");
        var bytes = File.ReadAllBytes(newest);
        if (damage == "truncate") File.WriteAllBytes(newest, bytes[..(bytes.Length - 10)]);
        else { bytes[^3] ^= 0x40; File.WriteAllBytes(newest, bytes); }

        var log = new StringWriter();
        Life(killed, Config(), resume: true, killAtCall: null, log);

        var lines = log.ToString().Split('\n');
        var reported = Assert.Single(lines, l => l.StartsWith("checkpoint unusable", StringComparison.Ordinal));
        Assert.Contains("step-00000009.safetensors", reported);
        Assert.Contains(damage == "truncate" ? "truncated" : "checksum mismatch", reported);
        Assert.Contains(lines, l => l.StartsWith("resumed from", StringComparison.Ordinal)
                               && l.Contains("step 6 of 12"));
        Assert.Equal(Adapter(reference), Adapter(killed));                // and still bit-identical
    }

    [Fact]
    public void Resume_NoCheckpoint_StartsFromStepZero()
    {
        using var reference = new TempDirectory();
        using var killed = new TempDirectory();
        var config = Config() with { CheckpointEvery = 0 };
        Uninterrupted(reference, config);
        Life(killed, config, resume: false, killAtCall: 5);
        var log = new StringWriter();
        Life(killed, config, resume: true, killAtCall: null, log);
        Assert.Contains("no usable checkpoint", log.ToString());
        Assert.Equal(Adapter(reference), Adapter(killed));
    }

    [Fact]
    public void Resume_FolderWithoutConfig_OneLineUsageError()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<LoraLabException>(() => FinetuneRecipe.Resume(dir.Path, TextWriter.Null));
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains("config.json", ex.Message);
    }
}
