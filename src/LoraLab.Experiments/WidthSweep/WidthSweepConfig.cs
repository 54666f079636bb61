using LoraLab.Core;
using LoraLab.Core.Config;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>
/// The width-sweep protocol of <c>loralab reproduce</c> (docs/protocol-width-sweep.md). Defaults are the protocol;
/// configs/reproduce/*.json may override keys. Seeds are <see cref="Seed"/>, <see cref="Seed"/>+1, ….
/// </summary>
public sealed record WidthSweepConfig : IValidatable
{
    public int[] Widths { get; init; } = [128, 256, 512, 1024, 2048, 4096, 8192];
    public ToyReadout[] Readouts { get; init; } = [ToyReadout.Layer, ToyReadout.Scalar];
    /// <summary>The scheme run as "Init[A]" and as "Init[B]" (gaussian-a / gaussian-b are allowed).</summary>
    public LoraInit SchemeA { get; init; } = LoraInit.A;
    public LoraInit SchemeB { get; init; } = LoraInit.B;
    public LrGrid GridA { get; init; } = new() { Max = 0.5, Count = 14 };
    public LrGrid GridB { get; init; } = new() { Max = 0.125, Count = 14 };
    public long Seed { get; init; } = 0;
    public int SeedCount { get; init; } = 3;
    public int Steps { get; init; } = 400;
    public int Rank { get; init; } = 4;
    public double Alpha { get; init; } = 4;
    public int InputDim { get; init; } = 5;
    public int TeacherRank { get; init; } = 4;
    public double TeacherShiftScale { get; init; } = 0.5;
    public int TrainPoints { get; init; } = 1000;
    public int TestPoints { get; init; } = 100;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    public double DivergenceFactor { get; init; } = 10;
    /// <summary>A width where an init's best final/initial train loss exceeds this "barely learns" and is left out of its fit.</summary>
    public double BarelyLearnsRatio { get; init; } = 0.5;
    /// <summary>How many times an unbracketed grid is extended (by <see cref="ExtensionPoints"/> LRs) before giving up.</summary>
    public int MaxGridExtensions { get; init; } = 2;
    public int ExtensionPoints { get; init; } = 3;
    public int BootstrapResamples { get; init; } = 2000;
    /// <summary>Batches trained concurrently, each on one intra-op thread (OpenMP's barriers suffer on a shared 2-core box).</summary>
    public int Workers { get; init; } = 2;

    public long[] Seeds() => Enumerable.Range(0, SeedCount).Select(i => Seed + i).ToArray();

    public LrGrid Grid(InitArm arm) => arm == InitArm.A ? GridA : GridB;

    public LoraInit Scheme(InitArm arm) => arm == InitArm.A ? SchemeA : SchemeB;

    /// <summary>The reduced protocol of <c>reproduce --quick</c> (≤ 60 s): 4 widths, 2 seeds, 200 steps.</summary>
    public static WidthSweepConfig Quick() => new()
    {
        Widths = [128, 256, 512, 1024], SeedCount = 2, Steps = 200,
        GridA = new() { Max = 0.5, Count = 12 }, GridB = new() { Max = 0.25, Count = 12 },
        MaxGridExtensions = 1, BootstrapResamples = 500,
    };

    /// <summary>Defaults (full, or <see cref="Quick"/>) ⊕ optional JSON file ⊕ <c>key=value</c> overrides, validated.</summary>
    public static WidthSweepConfig Load(string? path, bool quick, IEnumerable<string>? overrides = null)
    {
        var tree = (System.Text.Json.Nodes.JsonObject)ConfigJson.ToNode(quick ? Quick() : new WidthSweepConfig());
        if (path is not null)
        {
            if (!File.Exists(path)) throw new LoraLabException($"config file not found: {path}", ExitCodes.Usage);
            var file = ConfigLoader.ParseObject(File.ReadAllText(path), path);
            foreach (var (key, value) in file.ToList()) tree[key] = value?.DeepClone();
        }
        return ConfigLoader.FromTree<WidthSweepConfig>(tree, overrides, path ?? "reproduce protocol");
    }

    /// <summary>The single-run config of one point of the sweep.</summary>
    public ToyRunConfig Run(int width, InitArm arm, double lr, long seed, ToyReadout readout) => new()
    {
        Width = width, Init = Scheme(arm), Lr = lr, Seed = seed, Steps = Steps, Readout = readout, Rank = Rank,
        Alpha = Alpha, InputDim = InputDim, TeacherRank = TeacherRank, TeacherShiftScale = TeacherShiftScale,
        TrainPoints = TrainPoints, TestPoints = TestPoints, Beta1 = Beta1, Beta2 = Beta2, Eps = Eps,
        DivergenceFactor = DivergenceFactor, Threads = 1,
    };

    public IEnumerable<string> Validate()
    {
        if (Widths.Length < 3) yield return $"widths needs at least 3 entries for a slope, got {Widths.Length}";
        if (Widths.Distinct().Count() != Widths.Length || !Widths.SequenceEqual(Widths.Order()))
            yield return "widths must be strictly increasing";
        if (Readouts.Length == 0) yield return "readouts must not be empty";
        if (SeedCount < 1) yield return $"seed_count must be >= 1, got {SeedCount}";
        foreach (var p in GridA.Validate("grid_a").Concat(GridB.Validate("grid_b"))) yield return p;
        if (!(BarelyLearnsRatio > 0 && BarelyLearnsRatio <= 1)) yield return $"barely_learns_ratio must be in (0, 1], got {BarelyLearnsRatio}";
        if (MaxGridExtensions < 0) yield return $"max_grid_extensions must be >= 0, got {MaxGridExtensions}";
        if (ExtensionPoints < 1) yield return $"extension_points must be >= 1, got {ExtensionPoints}";
        if (BootstrapResamples < 100) yield return $"bootstrap_resamples must be >= 100, got {BootstrapResamples}";
        if (Workers < 1) yield return $"workers must be >= 1, got {Workers}";
        foreach (var arm in new[] { InitArm.A, InitArm.B })
            foreach (var p in Run(Widths.DefaultIfEmpty(1).Min(), arm, Grid(arm).Max, Seed, ToyReadout.Layer).Validate())
                yield return p;
    }
}
