using System.Text.Json;
using LoraLab.IO;
using LoraLab.IO.Safetensors;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class FinetuneRecipeTests
{
    static FinetuneConfig Config(int steps) => new()
    {
        Steps = steps, BatchSize = 16, EvalEvery = 2, Threads = 1,
        Lora = new() { Rank = 4, Alpha = 8 },
        Optim = new OptimizerConfig { Lr = 1e-2 },
        Schedule = new LrSchedule { Decay = LrDecay.Constant },
    };

    [Fact]
    public void Train_TinyTask_WritesResultMetricsAndAdapter()
    {
        using var dir = new TempDirectory();
        using var task = new TinyTask(seed: 0);

        var result = FinetuneRecipe.Train(Config(6) with { LogEvery = 2 }, task, dir.Path, TextWriter.Null);

        Assert.Equal("completed", result.Status);
        Assert.Equal(6, result.StepsCompleted);
        Assert.Equal(["query", "value"], result.AdaptedLayers);
        var lines = File.ReadAllLines(dir.File("metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToList();
        var train = lines.Where(l => l.GetProperty("kind").GetString() == "train").ToList();
        Assert.Equal(6, train.Count);
        Assert.Equal(4, lines.Count(l => l.GetProperty("kind").GetString() == "eval"));   // steps 0, 2, 4, 6
        var first = train[0];
        Assert.Equal(1e-2, first.GetProperty("lr").GetProperty("lora_A").GetDouble(), 9);
        Assert.Equal(0.0, first.GetProperty("grad_norm_a").GetDouble());                  // Init[A]: B = 0 ⇒ ∂L/∂A = 0
        Assert.True(first.GetProperty("grad_norm_b").GetDouble() > 0);
        // diagnostics every log_every = 2
        Assert.False(first.TryGetProperty("z_a_rms", out _));
        var second = train[1];
        Assert.Equal(2, second.GetProperty("z_a_rms").GetArrayLength());
        Assert.Equal(2, second.GetProperty("z_b_rms").GetArrayLength());
        Assert.Equal(2, second.GetProperty("delta_w_norm").GetArrayLength());
        Assert.Equal(2, second.GetProperty("update_ratio").GetArrayLength());
        Assert.Equal(2, second.GetProperty("grad_norms_a").GetArrayLength());
        Assert.True(second.GetProperty("z_a_rms")[0].GetDouble() > 0);
        Assert.True(second.GetProperty("delta_w_norm")[0].GetDouble() > 0);
        var json = JsonDocument.Parse(File.ReadAllText(dir.File("result.json"))).RootElement;
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal(4, json.GetProperty("config").GetProperty("lora").GetProperty("rank").GetInt32());
        var adapter = SafetensorsFile.ReadHeader(Path.Combine(dir.Path, "adapter", "adapter_model.safetensors"));
        Assert.Contains(adapter.Entries, e => e.Name == "base_model.model.query.lora_A.weight");
        Assert.Contains(adapter.Entries, e => e.Name == "base_model.model.classifier.weight");
    }

    [Fact]
    public void Train_SameSeedTwice_IdenticalMetricsAndAdapter()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using (var task = new TinyTask(seed: 3))
            FinetuneRecipe.Train(Config(4) with { Seed = 3 }, task, a.Path, TextWriter.Null);
        using (var task = new TinyTask(seed: 3))
            FinetuneRecipe.Train(Config(4) with { Seed = 3 }, task, b.Path, TextWriter.Null);

        Assert.Equal(File.ReadAllText(a.File("metrics.jsonl")), File.ReadAllText(b.File("metrics.jsonl")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, "adapter", "adapter_model.safetensors")),
                     File.ReadAllBytes(Path.Combine(b.Path, "adapter", "adapter_model.safetensors")));
    }

    [Fact]
    public void Train_NanInjectedAtStep3_DivergedAndLastGoodAdapterKept()
    {
        using var diverged = new TempDirectory();
        using var reference = new TempDirectory();

        FinetuneResult result;
        using (var task = new TinyTask(seed: 1, nanAtStep: 3))
            result = FinetuneRecipe.Train(Config(6), task, diverged.Path, TextWriter.Null);
        using (var task = new TinyTask(seed: 1)) FinetuneRecipe.Train(Config(2), task, reference.Path, TextWriter.Null);

        Assert.Equal("diverged", result.Status);
        Assert.Equal(3, result.DivergedAtStep);
        Assert.Equal(2, result.StepsCompleted);
        Assert.Contains("non-finite loss", result.DivergenceReason);
        Assert.True(double.IsFinite(result.FinalMetrics["accuracy"]));
        var json = JsonDocument.Parse(File.ReadAllText(diverged.File("result.json"))).RootElement;
        Assert.Equal("diverged", json.GetProperty("status").GetString());
        Assert.Equal(3, json.GetProperty("diverged_at_step").GetInt32());
        // The adapter saved is exactly the one after step 2 (same seed, same data order, constant LR).
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference.Path, "adapter", "adapter_model.safetensors")),
                     File.ReadAllBytes(Path.Combine(diverged.Path, "adapter", "adapter_model.safetensors")));
    }

    [Fact]
    public void DivergenceFactor_LossAboveFactorTimesTheFirst_DivergedThere()
    {
        using var on = new TempDirectory();
        using var off = new TempDirectory();

        FinetuneResult guarded, unguarded;
        using (var task = new TinyTask(seed: 2, spikeAtCall: 4))
            guarded = FinetuneRecipe.Train(Config(6) with { DivergenceFactor = 1.5 }, task, on.Path, TextWriter.Null);
        using (var task = new TinyTask(seed: 2, spikeAtCall: 4))
            unguarded = FinetuneRecipe.Train(Config(6), task, off.Path, TextWriter.Null);

        Assert.Equal("diverged", guarded.Status);
        Assert.Equal(4, guarded.DivergedAtStep);
        Assert.Equal(3, guarded.StepsCompleted);
        Assert.Contains("above divergence_factor 1.5 x the first step's", guarded.DivergenceReason);
        Assert.Contains("\"monitor\":\"divergence\"", File.ReadAllText(on.File("metrics.jsonl")));
        Assert.Equal("completed", unguarded.Status);
    }

    [Theory]
    [InlineData("divergence_factor=1")]
    [InlineData("divergence_factor=-2")]
    public void DivergenceFactor_NotAboveOne_IsAConfigError(string set)
    {
        var e = Assert.Throws<LoraLabException>(() =>
            LoraLab.IO.Config.ConfigLoader.Load<FinetuneConfig>(null, [set]));

        Assert.Contains("divergence_factor must be 0 (off) or > 1", e.Message);
    }

    [Fact]
    public void GradAccumulation_FourMicroBatchesOfEight_EqualOneBatchOf32()
    {
        // Dropout off (TinyTask has none; LoRA dropout 0), no clipping: the only difference is float summation order.
        using var whole = new TempDirectory();
        using var accumulated = new TempDirectory();
        var config = Config(3) with { GradClip = 0, EvalEvery = 0, EvalAtStart = false };
        using (var task = new TinyTask(seed: 2))
            FinetuneRecipe.Train(config with { BatchSize = 32 }, task, whole.Path, TextWriter.Null);
        using (var task = new TinyTask(seed: 2))
            FinetuneRecipe.Train(config with { BatchSize = 8, GradAccumSteps = 4 }, task, accumulated.Path,
                                 TextWriter.Null);

        static List<JsonElement> Train(TempDirectory d) => File.ReadAllLines(d.File("metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.GetProperty("kind").GetString() == "train")
                .ToList();
        foreach (var (a, b) in Train(whole).Zip(Train(accumulated)))
            foreach (var key in new[] { "loss", "grad_norm_a", "grad_norm_b", "grad_norm_other" })
                Assert.Equal(a.GetProperty(key).GetDouble(), b.GetProperty(key).GetDouble(), 1e-6);
        var left = LoraLab.Core.Adapters.PeftAdapter.Read(Path.Combine(whole.Path, "adapter")).Tensors;
        var right = LoraLab.Core.Adapters.PeftAdapter.Read(Path.Combine(accumulated.Path, "adapter")).Tensors;
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        foreach (var (name, tensor) in left)
            Assert.True(tensor.allclose(right[name], rtol: 1e-5, atol: 1e-6), $"{name} differs");
    }
}
