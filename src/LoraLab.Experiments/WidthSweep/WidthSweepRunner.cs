using System.Collections.Concurrent;
using System.Diagnostics;
using LoraLab.Models.TeacherStudent;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// Runs the width sweep: for each (width, readout, seed) one batch with every LR of both init arms; batches run
/// <see cref="WidthSweepConfig.Workers"/> at a time. Then, while some (readout, init, width) has η* or the max stable
/// LR at a grid edge, runs extra LRs beyond that edge (up to <see cref="WidthSweepConfig.MaxGridExtensions"/> times).
/// </summary>
public static class WidthSweepRunner
{
    public static SweepRuns Run(WidthSweepConfig config, SweepProgress progress, CancellationToken ct)
    {
        var grids = new Dictionary<(ToyReadout, InitArm, int), SortedSet<double>>();
        foreach (var readout in config.Readouts)
            foreach (var arm in Arms)
                foreach (var width in config.Widths)
                    grids[(readout, arm, width)] = new SortedSet<double>(config.Grid(arm).Values());
        var runs = new ConcurrentBag<(InitArm, ToyRunResult)>();
        var timings = new ConcurrentBag<BatchTiming>();
        var pending = grids.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        int extensions = 0;
        while (true)
        {
            RunPass(config, pending, runs, timings, progress, ct);
            if (extensions == config.MaxGridExtensions) break;
            pending = Extensions(config, grids, runs.ToList());
            if (pending.Count == 0) break;
            extensions++;
            progress.Message($"reproduce: extending the LR grid (pass {extensions}) for {pending.Count} (readout, init, width) cells: " +
                             string.Join(", ", pending.Keys.Select(k => $"{k.Item1.ToString().ToLowerInvariant()}/{k.Item2}/{k.Item3}")));
        }
        progress.Finish();
        var ordered = runs.OrderBy(r => r.Item2.Config.Readout).ThenBy(r => r.Item1).ThenBy(r => r.Item2.Config.Width)
            .ThenBy(r => r.Item2.Config.Lr).ThenBy(r => r.Item2.Config.Seed).ToList();
        var timingList = timings.OrderBy(t => t.Width).ThenBy(t => t.Readout).ThenBy(t => t.Seed).ToList();
        return new SweepRuns(ordered, timingList, extensions);
    }

    internal static readonly InitArm[] Arms = [InitArm.A, InitArm.B];

    static void RunPass(WidthSweepConfig config, Dictionary<(ToyReadout, InitArm, int), double[]> lrs,
        ConcurrentBag<(InitArm, ToyRunResult)> runs, ConcurrentBag<BatchTiming> timings, SweepProgress progress, CancellationToken ct)
    {
        var jobs = new List<(int Width, ToyReadout Readout, long Seed, List<(InitArm Arm, ToyRunConfig Run)> Configs)>();
        foreach (var width in config.Widths)
            foreach (var readout in config.Readouts)
                foreach (var seed in config.Seeds())
                {
                    var configs = Arms.SelectMany(arm => lrs.GetValueOrDefault((readout, arm, width), [])
                        .Select(lr => (arm, config.Run(width, arm, lr, seed, readout)))).ToList();
                    if (configs.Count > 0) jobs.Add((width, readout, seed, configs));
                }
        foreach (var job in jobs) progress.AddWork(Cost(job.Width, job.Configs.Count, config.Steps));
        var options = new ParallelOptions { MaxDegreeOfParallelism = config.Workers, CancellationToken = ct };
        Parallel.ForEach(jobs.OrderByDescending(j => Cost(j.Width, j.Configs.Count, config.Steps)), options, job =>
        {
            var what = $"width {job.Width}, {job.Readout.ToString().ToLowerInvariant()} readout, seed {job.Seed}, {job.Configs.Count} runs";
            var perStep = Cost(job.Width, job.Configs.Count, 1);
            var clock = Stopwatch.StartNew();
            using var problem = new TeacherStudentProblem(job.Configs[0].Run.ProblemSpec);
            var results = BatchedToyTrainer.Train(problem, job.Configs.Select(c => c.Run).ToList(),
                _ => progress.Advance(perStep, what), ct);
            for (int i = 0; i < results.Count; i++) runs.Add((job.Configs[i].Arm, results[i]));
            timings.Add(new BatchTiming(job.Width, job.Readout, job.Seed, job.Configs.Count, config.Steps, clock.Elapsed.TotalSeconds));
        });
    }

    /// <summary>Work units of a batch: configurations × steps × (width + a fixed per-op overhead).</summary>
    static double Cost(int width, int configs, int steps) => (double)configs * steps * (width + 256);

    /// <summary>New LRs for every cell whose η* or max stable LR sits at an edge of the LRs tried so far.</summary>
    static Dictionary<(ToyReadout, InitArm, int), double[]> Extensions(WidthSweepConfig config,
        Dictionary<(ToyReadout, InitArm, int), SortedSet<double>> grids, List<(InitArm Arm, ToyRunResult Run)> runs)
    {
        var pending = new Dictionary<(ToyReadout, InitArm, int), double[]>();
        var seeds = config.Seeds();
        foreach (var ((readout, arm, width), grid) in grids)
        {
            var outcomes = runs.Where(r => r.Arm == arm && r.Run.Config.Readout == readout && r.Run.Config.Width == width)
                .Select(r => WidthSweepAnalysis.Outcome(r.Run)).ToList();
            var s = LrSelector.Select(outcomes, seeds, config.BarelyLearnsRatio);
            var factor = config.Grid(arm).Factor;
            var extra = new List<double>();
            if (s.OptimalLr is null || s.AtGridBottom)
                extra.AddRange(Enumerable.Range(1, config.ExtensionPoints).Select(j => grid.Min / Math.Pow(factor, j)));
            if (s.AtGridTop)
                extra.AddRange(Enumerable.Range(1, config.ExtensionPoints).Select(j => grid.Max * Math.Pow(factor, j)));
            if (extra.Count == 0) continue;
            foreach (var lr in extra) grid.Add(lr);
            pending[(readout, arm, width)] = extra.ToArray();
        }
        return pending;
    }
}
