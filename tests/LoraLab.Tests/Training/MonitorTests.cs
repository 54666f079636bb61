using System.Text.Json;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

/// <summary>The instability monitors: each check on synthetic values, then in the loop on injected spikes and NaN,
/// with the warn / stop / rollback actions.</summary>
[Collection(TorchCollection.Name)]
public sealed class MonitorTests
{
    static readonly MonitorConfig Defaults = new();
    static GradStats Grads(double a, double b, double o = 0) => new(a, b, o, Math.Sqrt(a * a + b * b + o * o));

    [Fact]
    public void CheckStep_LossAndGroupGradSpikes_FireAgainstRunningMedianAfterMinHistory()
    {
        var monitors = new InstabilityMonitors(Defaults, []);
        for (var step = 1; step <= 12; step++)
            Assert.Empty(monitors.CheckStep(step, 2.0 - 0.01 * step, Grads(0.1, 0.2 + 0.001 * step, 0.3),
                                            hasOther: true));

        // loss > 3 × ~1.93, |g_B| > 10 × ~0.206
        var fired = monitors.CheckStep(13, 7.0, Grads(0.1, 2.5, 0.3), hasOther: true);
        Assert.Equal(["loss_spike", "grad_spike_b"], fired.Select(e => e.Monitor));
        Assert.Equal(7.0, fired[0].Value);
        Assert.Contains("running median", fired[0].Detail);
        // no history yet
        Assert.Empty(new InstabilityMonitors(Defaults, []).CheckStep(1, 1e9, Grads(1e9, 1e9), false));
    }

    [Fact]
    public void CheckLog_ZaGrowthAndUpdateRatio_FireAboveTheirBounds()
    {
        var monitors = new InstabilityMonitors(Defaults, []);
        Assert.Empty(monitors.CheckLog(10, [1.0, 1.2], [0.05, double.NaN]));
        Assert.Empty(monitors.CheckLog(20, [2.0, 1.5], [0.05, 0.04]));                    // 1.2 → 2.0: within 4×
        // 2.0 → 9.0; layer 1 ratio 3 > 1
        var fired = monitors.CheckLog(30, [9.0, 1.5], [0.05, 3.0]);
        Assert.Equal(["za_growth", "update_ratio"], fired.Select(e => e.Monitor));
        Assert.Equal(4.5, fired[0].Value, 9);
        Assert.Contains("layer 1", fired[1].Detail);
    }

    [Fact]
    public void Windows_RestoredFromCheckpointState_FireTheSame()
    {
        var a = new InstabilityMonitors(Defaults, []);
        for (var step = 1; step <= 15; step++) a.CheckStep(step, 1.0 + step % 3, Grads(0.1, 0.2), false);
        var b = new InstabilityMonitors(Defaults, a.Windows.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()));
        Assert.Equal(a.CheckStep(16, 6.5, Grads(0.1, 0.2), false), b.CheckStep(16, 6.5, Grads(0.1, 0.2), false));
    }

    static FinetuneConfig Config(MonitorAction action, int steps = 16) => new()
    {
        Steps = steps, BatchSize = 16, EvalEvery = 0, Threads = 1, CheckpointEvery = 4, LogEvery = 4,
        Lora = new() { Rank = 4, Alpha = 8 },
        Optim = new OptimizerConfig { Lr = 1e-2 },
        Schedule = new LrSchedule { Decay = LrDecay.Constant },
        Monitors = new MonitorConfig { Action = action, MinHistory = 5 },
    };

    static List<JsonElement> Events(TempDirectory dir) => File.ReadAllLines(dir.File("metrics.jsonl"))
        .Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.GetProperty("kind").GetString() == "event")
            .ToList();

    [Fact]
    public void InjectedSpike_Warn_EventLoggedAndPrintedRunCompletes()
    {
        using var dir = new TempDirectory();
        using var task = new TinyTask(seed: 1, spikeAtCall: 10);
        var log = new StringWriter();

        var result = FinetuneRecipe.Train(Config(MonitorAction.Warn), task, dir.Path, log);

        Assert.Equal("completed", result.Status);
        var events = Events(dir);
        Assert.Contains(events, e => e.GetProperty("monitor").GetString() == "loss_spike"
                                && e.GetProperty("step").GetInt32() == 10);
        Assert.All(events, e => Assert.Equal("warn", e.GetProperty("action").GetString()));
        Assert.Contains(log.ToString().Split('\n'),
                        l => l.StartsWith("monitor loss_spike at step 10:", StringComparison.Ordinal));
        Assert.Equal(events.Count, result.MonitorEvents.Count);
    }

    [Fact]
    public void InjectedSpike_Stop_RunStoppedAtThatStep()
    {
        using var dir = new TempDirectory();
        using var task = new TinyTask(seed: 1, spikeAtCall: 10);

        var result = FinetuneRecipe.Train(Config(MonitorAction.Stop), task, dir.Path, TextWriter.Null);

        Assert.Equal("stopped", result.Status);
        Assert.Equal(10, result.DivergedAtStep);
        Assert.Equal(10, result.StepsCompleted);
        Assert.True(File.Exists(Path.Combine(dir.Path, "adapter", "adapter_model.safetensors")));
    }

    [Fact]
    public void InjectedNan_Rollback_BackToCheckpointWithHalvedLrAndCompletes()
    {
        using var dir = new TempDirectory();
        using var task = new TinyTask(seed: 1, nanAtStep: 7);          // NaN once, in step 7 (calls are counted)
        var log = new StringWriter();

        var result = FinetuneRecipe.Train(Config(MonitorAction.Rollback), task, dir.Path, log);

        Assert.Equal("completed", result.Status);
        Assert.Equal(16, result.StepsCompleted);
        Assert.Equal(1, result.Rollbacks);
        Assert.Equal(0.5, result.LrScale);
        Assert.Contains("rollback 1/3: back to step 4", log.ToString());
        var nonFinite = Assert.Single(Events(dir));
        Assert.Equal("non_finite", nonFinite.GetProperty("monitor").GetString());
        var lines = File.ReadAllLines(dir.File("metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToList();
        var last = lines.Last(l => l.GetProperty("kind").GetString() == "train");
        Assert.Equal(5e-3, last.GetProperty("lr").GetProperty("lora_A").GetDouble(), 12);   // halved after the rollback
    }

    [Fact]
    public void NanEveryTime_RollbacksExhausted_Diverged()
    {
        using var dir = new TempDirectory();
        using var task = new TinyTask(seed: 1, nanAtStep: 7);
        var config = Config(MonitorAction.Rollback) with
        {
            Monitors = new MonitorConfig { Action = MonitorAction.Rollback, MaxRollbacks = 0 },
        };

        var result = FinetuneRecipe.Train(config, task, dir.Path, TextWriter.Null);

        Assert.Equal("diverged", result.Status);
        Assert.Equal(6, result.StepsCompleted);
    }
}
