using LoraLab.Core;
using LoraLab.Models.TeacherStudent;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// Trains K toy runs that share one problem instance (same width, seed, readout, steps, optimizer constants) as one
/// batched computation: A (K, r, n), B (K, n, r), per-configuration LRs, shared features H (n, N). Per step: one
/// stacked GEMM G = A·H (K·r×n by n×N), the r×r algebra of <see cref="LowRankObjective"/>, one stacked GEMM
/// ∂L/∂A = ∂L/∂G·Hᵀ, and <see cref="BatchedAdam"/>. Large buffers are allocated once.
/// </summary>
internal static class BatchedToyTrainer
{
    // torch's global RNG draws the LoRA factors; concurrent batches must not interleave seeding and drawing.
    static readonly Lock InitGate = new();

    /// <summary>Runs every configuration in <paramref name="runs"/> (all must share <paramref name="problem"/>).</summary>
    public static IReadOnlyList<ToyRunResult> Train(
        TeacherStudentProblem problem, IReadOnlyList<ToyRunConfig> runs, Action<int>? onStep, CancellationToken ct)
    {
        var c = runs[0];
        RequireShared(runs);
        torch.set_num_threads(c.Threads);
        int K = runs.Count, r = c.Rank, n = c.Width, T = c.Steps;
        int nTrain = c.TrainPoints, nTest = c.TestPoints;
        using var noGrad = no_grad();
        using var train = new LowRankObjective(problem.HTrain, problem.TeacherA, problem.TeacherB, problem.Readout, c.Scale, c.Readout);
        using var test = new LowRankObjective(problem.HTest, problem.TeacherA, problem.TeacherB, problem.Readout, c.Scale, c.Readout);
        using var a = zeros(K, r, n);
        using var b = zeros(K, n, r);
        lock (InitGate) InitFactors(runs, a, b);
        using var g = zeros(K, r, nTrain);
        using var gradG = zeros(K, r, nTrain);
        using var gradA = zeros(K, r, n);
        using var gradB = zeros(K, n, r);
        using var adam = new BatchedAdam([a, b],
            [runs.Select(x => x.Lr).ToArray(), runs.Select(x => x.EffectiveLrB).ToArray()], c.Beta1, c.Beta2, c.Eps);
        var initialTest = FinalLoss(test, a, b, nTest);
        var h = new StepHistory(K, T);
        var stoppedAt = new int?[K];
        var initial = new double[K];
        var hT = problem.HTrain.t();
        for (int t = 0; t < T; t++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            g.view(K * r, nTrain).addmm_(a.view(K * r, n), problem.HTrain, beta: 0, alpha: 1);
            var values = train.Evaluate(b, g, gradG, gradB);
            gradA.view(K * r, n).addmm_(gradG.view(K * r, nTrain), hT, beta: 0, alpha: 1);
            h.Record(t, values, DeltaWNorm(a, b, c.Scale), gradA.flatten(1).norm(1).to(float64), gradB.flatten(1).norm(1).to(float64));
            if (t == 0) Array.Copy(h.Loss[0], initial, K);
            for (int k = 0; k < K; k++)
            {
                var loss = h.Loss[t][k];
                if (stoppedAt[k] is null && !(loss <= c.RunawayFactor * initial[k]))
                {
                    stoppedAt[k] = t;
                    adam.Freeze(k);
                    a[k].zero_();
                    b[k].zero_();
                }
            }
            adam.Step([gradA, gradB]);
            onStep?.Invoke(t + 1);
        }
        var finalTrain = FinalLoss(train, a, b, nTrain);
        var finalTest = FinalLoss(test, a, b, nTest);
        return Enumerable.Range(0, K).Select(k => Result(runs[k], k, initial[k], initialTest[k], finalTrain[k], finalTest[k], stoppedAt[k], h)).ToList();
    }

    static ToyRunResult Result(ToyRunConfig run, int k, double initial, double initialTest, double finalTrain, double finalTest, int? stopped, StepHistory h)
    {
        var (loss, za, zb, dw, ga, gb) = h.Column(k, stopped);
        var limit = run.DivergenceFactor * initial;
        var diverged = stopped is not null || !(finalTrain <= limit) || loss.Any(x => !(x <= limit));
        return new ToyRunResult(run, diverged ? ToyRunStatus.Diverged : ToyRunStatus.Ok, initial, initialTest,
            stopped is null ? finalTrain : double.NaN, stopped is null ? finalTest : double.NaN, stopped,
            loss, za, zb, dw, ga, gb);
    }

    /// <summary>The factors of each distinct (init, init seed) are drawn once with <see cref="LoraInitializer"/> from
    /// torch's global RNG seeded with the run's <see cref="ToyRunConfig.InitSeed"/>, then copied to its configurations.</summary>
    static void InitFactors(IReadOnlyList<ToyRunConfig> runs, Tensor a, Tensor b)
    {
        foreach (var group in runs.Select((run, k) => (run, k)).GroupBy(x => (x.run.Init, x.run.InitSeed)))
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(group.Key.InitSeed);
            var a1 = empty(1, a.shape[1], a.shape[2]);
            var b1 = empty(1, b.shape[1], b.shape[2]);
            LoraInitializer.Apply(group.Key.Init, a1, b1, runs[0].Scale);
            foreach (var (_, k) in group)
            {
                a[k].copy_(a1[0]);
                b[k].copy_(b1[0]);
            }
        }
    }

    /// <summary>‖s·B·A‖_F = s·√⟨BᵀB, A·Aᵀ⟩ per configuration: (K,) f64.</summary>
    static Tensor DeltaWNorm(Tensor a, Tensor b, double scale)
    {
        var aat = a.bmm(a.transpose(1, 2)).to(float64);
        var btb = b.transpose(1, 2).bmm(b).to(float64);
        return aat.mul(btb).sum([1, 2]).clamp_min(0).sqrt().mul_(scale);
    }

    static double[] FinalLoss(LowRankObjective objective, Tensor a, Tensor b, int points)
    {
        using var scope = NewDisposeScope();
        long K = a.shape[0], r = a.shape[1], n = a.shape[2];
        // float64: a float32 GEMM this thin (points = N_test) was not bit-reproducible from run to run.
        var g = a.view(K * r, n).to(float64).mm(objective.Features.to(float64)).view(K, r, points);
        return objective.Evaluate(b, g).Loss.cpu().data<double>().ToArray();
    }

    static void RequireShared(IReadOnlyList<ToyRunConfig> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to train");
        var shared = runs[0] with { Init = LoraInit.A, Lr = 0, LrB = null };
        foreach (var run in runs)
        {
            var problems = run.Validate().ToList();
            if (problems.Count > 0)
                throw new LoraLabException($"toy run: invalid config: {string.Join("; ", problems)}", ExitCodes.Usage);
            if (run with { Init = LoraInit.A, Lr = 0, LrB = null } != shared)
                throw new ArgumentException("a batch of toy runs must differ only in init and learning rates");
        }
    }
}
