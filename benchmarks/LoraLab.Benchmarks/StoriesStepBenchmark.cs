using System.Globalization;
using LoraLab.Core;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Benchmarks;

/// <summary>
/// One stories260K LoRA training step as <c>configs/stories260k-wikitext2.json</c> runs it: Karpathy's 260K-parameter
/// Llama (dim 64, 5 layers), LoRA on q_proj/v_proj (r = 8), batch 16 × 256 tokens, next-token cross-entropy,
/// backward, AdamW. Reports train tokens/s and the process's peak resident memory.
/// </summary>
public static class StoriesStepBenchmark
{
    const int Batch = 16, Tokens = 256;

    public static void Run()
    {
        manual_seed(0);
        var model = Llama2cCheckpoint.Load(Path.Combine(RepoRoot(), "data", "stories260K", "stories260K.bin"));
        LoraInjector.Inject(model, new LoraConfig { Rank = 8, Alpha = 16, TargetModules = ["q_proj", "v_proj"] });
        using var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad).ToList(), lr: 1e-3,
                                          beta2: 0.999);
        var tokens = randint(3, 512, [Batch, Tokens + 1]);
        var input = tokens[.., ..Tokens];
        var target = tokens[.., 1..];
        var step = Harness.Measure($"stories260K lora step {Batch}x{Tokens}", () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.call(input);                                     // (B, T, V)
            nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), target.reshape(-1)).backward();
            optimizer.step();
        }, trials: 5, minTrialSeconds: 0, warmup: 2);
        Harness.Print(step, string.Create(CultureInfo.InvariantCulture,
            $"{Batch * Tokens / (step.MedianMs / 1e3):F0} train tokens/s; peak RSS {Harness.PeakRssMiB():F0} MiB"));
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LoraLab.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository");
    }
}
