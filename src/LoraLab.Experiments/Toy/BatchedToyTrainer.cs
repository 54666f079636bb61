using LoraLab.Core;
using LoraLab.IO;
using LoraLab.Models.TeacherStudent;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

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
        var pre = c.Readout == ToyReadout.LayerRelu ? problem.FrozenPreActivations() : ((Tensor, Tensor)?)null;
        using var train = new LowRankObjective(problem.HTrain, problem.TeacherA, problem.TeacherB, problem.Readout, c.Scale, c.Readout, pre?.Item1);
        using var test = new LowRankObjective(problem.HTest, problem.TeacherA, problem.TeacherB, problem.Readout, c.Scale, c.Readout, pre?.Item2);
        var initial = new double[K];
        var stoppedAt = new int?[K];
        var h = new StepHistory(K, T);
        var batch = NewBatch(runs, r, n, nTrain);
        var initialTest = FinalLoss(test, batch, K);
        var hT = problem.HTrain.t();
        try
        {
            int t = 0;
            for (; t < T && batch.Rows > 0; t++)
            {
                ct.ThrowIfCancellationRequested();
                Step(batch, train, problem.HTrain, hT, h, t, c.Scale, c.Diagnostics);
                if (t == 0) Array.Copy(h.Loss[0], initial, K);
                var alive = Enumerable.Range(0, batch.Rows).Where(i =>
                {
                    var k = batch.Configs[i];
                    if (h.Loss[t][k] <= c.DivergenceFactor * initial[k]) return true;
                    stoppedAt[k] = t;
                    return false;
                }).ToList();
                if (alive.Count < batch.Rows)
                {
                    var kept = batch.Keep(alive);
                    batch.Dispose();
                    batch = kept;
                }
                if (batch.Rows > 0) batch.Adam.Step([batch.GradA, batch.GradB]);
                onStep?.Invoke(t + 1);
            }
            for (; t < T; t++) onStep?.Invoke(t + 1);   // every run stopped early: the progress still counts the steps
            var finalTrain = FinalLoss(train, batch, K);
            var finalTest = FinalLoss(test, batch, K);
            return Enumerable.Range(0, K).Select(k => Result(runs[k], k, initial[k], initialTest[k], finalTrain[k], finalTest[k], stoppedAt[k], h)).ToList();
        }
        finally
        {
            batch.Dispose();
        }
    }

    /// <summary>Forward, gradients and diagnostics of every live row at step <paramref name="t"/> (no update). The two
    /// GEMMs with the shared features run one configuration at a time (r×n by n×N): a stacked K·r×n GEMM would let
    /// MKL pick kernels by K, and a run's numbers would then depend on which runs share its pass.</summary>
    static void Step(ToyBatch batch, LowRankObjective train, Tensor h, Tensor hT, StepHistory history, int t, double scale,
        bool diagnostics)
    {
        using var scope = NewDisposeScope();
        for (long i = 0; i < batch.Rows; i++) batch.G[i].addmm_(batch.A[i], h, beta: 0, alpha: 1);
        var values = train.Evaluate(batch.B, batch.G, batch.GradG, batch.GradB);
        for (long i = 0; i < batch.Rows; i++) batch.GradA[i].addmm_(batch.GradG[i], hT, beta: 0, alpha: 1);
        if (diagnostics)
            history.Record(t, batch.Configs, values, DeltaWNorm(batch.A, batch.B, scale),
                batch.GradA.flatten(1).norm(1).to(float64), batch.GradB.flatten(1).norm(1).to(float64));
        else history.RecordLoss(t, batch.Configs, values.Loss);
    }

    static ToyBatch NewBatch(IReadOnlyList<ToyRunConfig> runs, int r, int n, int points)
    {
        var c = runs[0];
        var a = zeros(runs.Count, r, n);
        var b = zeros(runs.Count, n, r);
        lock (InitGate) InitFactors(runs, a, b);
        return new ToyBatch(a, b, points, runs.Select(x => x.Lr).ToArray(), runs.Select(x => x.EffectiveLrB).ToArray(), c.Beta1, c.Beta2, c.Eps);
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

    /// <summary>Loss of every configuration at the batch's current factors: (K,) with NaN for rows no longer live.</summary>
    static double[] FinalLoss(LowRankObjective objective, ToyBatch batch, int configs)
    {
        var result = Enumerable.Repeat(double.NaN, configs).ToArray();
        if (batch.Rows == 0) return result;
        using var scope = NewDisposeScope();
        long k = batch.Rows, r = batch.A.shape[1], n = batch.A.shape[2];
        // float64: a float32 GEMM this thin (points = N_test) was not bit-reproducible from run to run; one
        // configuration at a time, as in Step.
        var features = objective.Features.to(float64);
        var g = stack(Enumerable.Range(0, (int)k).Select(i => batch.A[i].to(float64).mm(features)).ToArray());
        var values = objective.Evaluate(batch.B, g).Loss.cpu().data<double>().ToArray();
        for (int i = 0; i < k; i++) result[batch.Configs[i]] = values[i];
        return result;
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
