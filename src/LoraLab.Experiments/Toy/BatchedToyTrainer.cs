using LoraLab.Core;
using LoraLab.IO;
using LoraLab.Models.TeacherStudent;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// Trains K toy runs of one shape (same width, readout, rank, steps, optimizer constants; any seeds, inits and learning
/// rates) as one batched computation: A (K, r, n), B (K, n, r), per-configuration LRs; the rows of one seed share its
/// problem (features H (n, N), teacher) and are kept next to each other. Per step: G = A·H per row
/// (<see cref="LowRankObjective.Project"/>: one batched GEMM per problem and block of H), the r×r algebra of
/// <see cref="LowRankObjective"/> over all rows, ∂L/∂A = ∂L/∂G·Hᵀ, and <see cref="BatchedAdam"/>. Large buffers are
/// allocated once; a run that diverges leaves the batch at that step. A run's numbers do not depend on the others in
/// its pass (every operation is per row), which ToyRunTests checks.
/// </summary>
internal static class BatchedToyTrainer
{
    // torch's global RNG draws the LoRA factors; concurrent batches must not interleave seeding and drawing.
    static readonly Lock InitGate = new();

    /// <summary>Runs every configuration in <paramref name="runs"/>; <paramref name="problems"/> gives the problem of
    /// each run's <see cref="ToyRunConfig.ProblemSpec"/>.</summary>
    public static IReadOnlyList<ToyRunResult> Train(
        Func<TeacherStudentSpec, ToyProblem> problems, IReadOnlyList<ToyRunConfig> runs, Action<int>? onStep,
        CancellationToken ct)
    {
        var c = runs[0];
        RequireShared(runs);
        torch.set_num_threads(c.Threads);
        int K = runs.Count, r = c.Rank, n = c.Width, T = c.Steps;
        using var noGrad = no_grad();
        // Rows grouped by problem (seed), in order of first appearance; row i is configuration order[i].
        var order = Enumerable.Range(0, K).GroupBy(k => runs[k].Seed).SelectMany(g => g).ToArray();
        ToySplit TrainOf(int k) => problems(runs[k].ProblemSpec).Train;
        ToySplit TestOf(int k) => problems(runs[k].ProblemSpec).Test;
        var initial = new double[K];
        var stoppedAt = new int?[K];
        var h = new StepHistory(K, T);
        var batch = NewBatch(runs, order, r, n, c.TrainPoints);
        var train = new LowRankObjective(order.Select(TrainOf).ToList(), c.Scale, c.Readout);
        try
        {
            var initialTest = FinalLoss(order.Select(TestOf).ToList(), c, batch, K);
            int t = 0;
            for (; t < T && batch.Rows > 0; t++)
            {
                ct.ThrowIfCancellationRequested();
                Step(batch, train, h, t, c.Scale, c.Diagnostics);
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
                    var keptObjective = train.Keep(alive);
                    train.Dispose();
                    train = keptObjective;
                }
                if (batch.Rows > 0) batch.Adam.Step([batch.GradA, batch.GradB]);
                onStep?.Invoke(t + 1);
            }
            for (; t < T; t++) onStep?.Invoke(t + 1);   // every run stopped early: the progress still counts the steps
            var finalTrain = FinalLoss(batch.Configs.Select(TrainOf).ToList(), c, batch, K);
            var finalTest = FinalLoss(batch.Configs.Select(TestOf).ToList(), c, batch, K);
            return Enumerable.Range(0, K).Select(k =>
                Result(runs[k], k, initial[k], initialTest[k], finalTrain[k], finalTest[k], stoppedAt[k], h)).ToList();
        }
        finally
        {
            batch.Dispose();
            train.Dispose();
        }
    }

    /// <summary>Forward, gradients and diagnostics of every live row at step <paramref name="t"/> (no
    /// update).</summary>
    static void Step(ToyBatch batch, LowRankObjective train, StepHistory history, int t, double scale, bool diagnostics)
    {
        using var scope = NewDisposeScope();
        train.Project(batch.A, batch.G);
        var values = train.Evaluate(batch.B, batch.G, batch.GradG, batch.GradB, diagnostics);
        train.BackProject(batch.GradG, batch.GradA);
        if (diagnostics)
            history.Record(t, batch.Configs, values, DeltaWNorm(batch.A, batch.B, scale),
                batch.GradA.flatten(1).norm(1).to(float64), batch.GradB.flatten(1).norm(1).to(float64));
        else history.RecordLoss(t, batch.Configs, values.Loss);
    }

    static ToyBatch NewBatch(IReadOnlyList<ToyRunConfig> runs, int[] order, int r, int n, int points)
    {
        var c = runs[0];
        var a = zeros(runs.Count, r, n);
        var b = zeros(runs.Count, n, r);
        lock (InitGate) InitFactors(order.Select(k => runs[k]).ToList(), a, b);
        return new ToyBatch(order, a, b, points, order.Select(k => runs[k].Lr).ToArray(),
            order.Select(k => runs[k].EffectiveLrB).ToArray(), c.Beta1, c.Beta2, c.Eps);
    }

    static ToyRunResult Result(ToyRunConfig run, int k, double initial, double initialTest, double finalTrain,
        double finalTest, int? stopped, StepHistory h)
    {
        var (loss, za, zb, dw, ga, gb) = h.Column(k, stopped);
        var limit = run.DivergenceFactor * initial;
        var diverged = stopped is not null || !(finalTrain <= limit) || loss.Any(x => !(x <= limit));
        return new ToyRunResult(run, diverged ? ToyRunStatus.Diverged : ToyRunStatus.Ok, initial, initialTest,
            stopped is null ? finalTrain : double.NaN, stopped is null ? finalTest : double.NaN, stopped,
            loss, za, zb, dw, ga, gb);
    }

    /// <summary>The factors of each distinct (init, init seed) are drawn once with <see cref="LoraInitializer"/> from
    /// torch's global RNG seeded with the run's <see cref="ToyRunConfig.InitSeed"/>, then copied to its rows.</summary>
    static void InitFactors(IReadOnlyList<ToyRunConfig> rows, Tensor a, Tensor b)
    {
        foreach (var group in rows.Select((run, k) => (run, k)).GroupBy(x => (x.run.Init, x.run.InitSeed)))
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(group.Key.InitSeed);
            var a1 = empty(1, a.shape[1], a.shape[2]);
            var b1 = empty(1, b.shape[1], b.shape[2]);
            LoraInitializer.Apply(group.Key.Init, a1, b1, rows[0].Scale);
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

    /// <summary>Loss of every configuration at the batch's current factors on the splits of its live rows: (K,) with
    /// NaN for configurations no longer live. G = A·H in float64: a float32 GEMM this thin (N_test points) was not
    /// bit-reproducible from run to run.</summary>
    static double[] FinalLoss(IReadOnlyList<ToySplit> rows, ToyRunConfig c, ToyBatch batch, int configs)
    {
        var result = Enumerable.Repeat(double.NaN, configs).ToArray();
        if (batch.Rows == 0) return result;
        using var scope = NewDisposeScope();
        using var objective = new LowRankObjective(rows, c.Scale, c.Readout);
        var g = zeros(batch.Rows, batch.A.shape[1], objective.Points, dtype: float64);
        objective.Project(batch.A, g, float64: true);
        var values = objective.Evaluate(batch.B, g, diagnostics: false).Loss.cpu().data<double>().ToArray();
        for (int i = 0; i < batch.Rows; i++) result[batch.Configs[i]] = values[i];
        return result;
    }

    static void RequireShared(IReadOnlyList<ToyRunConfig> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to train");
        static ToyRunConfig Shape(ToyRunConfig run) => run with { Init = LoraInit.A, Lr = 0, LrB = null, Seed = 0 };
        var shared = Shape(runs[0]);
        foreach (var run in runs)
        {
            var problems = run.Validate().ToList();
            if (problems.Count > 0)
                throw new LoraLabException($"toy run: invalid config: {string.Join("; ", problems)}", ExitCodes.Usage);
            if (Shape(run) != shared)
                throw new ArgumentException("a batch of toy runs must differ only in seed, init and learning rates");
        }
    }
}
