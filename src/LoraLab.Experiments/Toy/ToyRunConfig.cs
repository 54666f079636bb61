using System.Text.Json.Serialization;
using LoraLab.Core;
using LoraLab.IO.Config;
using LoraLab.Models.TeacherStudent;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// Everything that defines ONE toy teacher–student LoRA run (docs/protocol-width-sweep.md). Defaults are the
/// reproduce protocol's. The problem instance (inputs, frozen network, teacher) is drawn from <see cref="Seed"/>;
/// the LoRA factors from torch's global RNG seeded with <see cref="InitSeed"/>, so every LR of a (seed, init) pair
/// starts from the same factors.
/// </summary>
internal sealed record ToyRunConfig : IValidatable
{
    public int Width { get; init; } = 1024;
    public LoraInit Init { get; init; } = LoraInit.A;
    /// <summary>The learning rate of A (and of B unless <see cref="LrB"/> is set).</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>Optional separate LR for B (LoRA+); null = one shared LR, the paper's setting.</summary>
    public double? LrB { get; init; }
    public long Seed { get; init; } = 0;
    public int Steps { get; init; } = 400;
    public ToyReadout Readout { get; init; } = ToyReadout.Layer;
    public int Rank { get; init; } = 4;
    /// <summary>LoRA α; the multiplier of B·A is s = α/r by default (<see cref="Scaling"/>).</summary>
    public double Alpha { get; init; } = 4;
    public ToyScaling Scaling { get; init; } = ToyScaling.AlphaOverR;
    public int InputDim { get; init; } = 5;
    public int TeacherRank { get; init; } = 4;
    public double TeacherShiftScale { get; init; } = 0.5;
    public int TrainPoints { get; init; } = 1000;
    public int TestPoints { get; init; } = 100;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    /// <summary>A run whose train loss at any step (or after the last step) exceeds this multiple of its initial loss,
    /// or is non-finite, diverged; it is stopped at that step (later per-step entries are NaN).</summary>
    public double DivergenceFactor { get; init; } = 10;
    public int Threads { get; init; } = 1;
    /// <summary>False: per-step curves hold only the loss (no RMS Z_A/Z_B, ‖ΔW‖, gradient norms), which saves a third
    /// of the small tensor operations per step (searches of thousands of short probes).</summary>
    public bool Diagnostics { get; init; } = true;

    [JsonIgnore]
    public double Scale => Scaling switch
    {
        ToyScaling.AlphaOverR => Alpha / Rank,
        ToyScaling.AlphaOverSqrtR => Alpha / Math.Sqrt(Rank),
        ToyScaling.Alpha => Alpha,
    };
    [JsonIgnore]
    public double EffectiveLrB => LrB ?? Lr;

    /// <summary>The seed of the LoRA factors' draw: a fixed function of the seed and the init's name only (the first
    /// 8 bytes of SHA-256("toy-init/{seed}/{init}"), 63 bits), never of enum order.</summary>
    [JsonIgnore]
    public long InitSeed
    {
        get
        {
            var bytes = System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"toy-init/{Seed}/{EnumNames.Of(Init)}"));
            return (long)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes) >> 1);
        }
    }

    [JsonIgnore]
    public TeacherStudentSpec ProblemSpec => new(Width, InputDim, TeacherRank, TeacherShiftScale, TrainPoints,
                                                 TestPoints, Seed);

    public IEnumerable<string> Validate()
    {
        if (Width < 1) yield return $"width must be >= 1, got {Width}";
        if (!LoraInitializer.HasZeroFactor(Init))
            yield return $"init must leave one factor zero (a, b, gaussian-a, gaussian-b, gaussian), got {Init}";
        if (!(Lr >= 0) || double.IsInfinity(Lr)) yield return $"lr must be a finite number >= 0, got {Lr}";
        if (LrB is { } lrB && (!(lrB >= 0) || double.IsInfinity(lrB)))
            yield return $"lr_b must be a finite number >= 0, got {lrB}";
        if (Seed < 0) yield return $"seed must be >= 0, got {Seed}";
        if (Steps < 1) yield return $"steps must be >= 1, got {Steps}";
        if (Rank < 1 || Rank > Width) yield return $"rank must be in 1..width, got {Rank}";
        if (!(Alpha > 0)) yield return $"alpha must be > 0, got {Alpha}";
        if (InputDim < 1) yield return $"input_dim must be >= 1, got {InputDim}";
        if (TeacherRank < 1 || TeacherRank > Width) yield return $"teacher_rank must be in 1..width, got {TeacherRank}";
        if (!(TeacherShiftScale > 0)) yield return $"teacher_shift_scale must be > 0, got {TeacherShiftScale}";
        if (TrainPoints < 1) yield return $"train_points must be >= 1, got {TrainPoints}";
        if (TestPoints < 1) yield return $"test_points must be >= 1, got {TestPoints}";
        if (!(Beta1 >= 0 && Beta1 < 1)) yield return $"beta1 must be in [0, 1), got {Beta1}";
        if (!(Beta2 >= 0 && Beta2 < 1)) yield return $"beta2 must be in [0, 1), got {Beta2}";
        if (!(Eps >= 0)) yield return $"eps must be >= 0, got {Eps}";
        if (!(DivergenceFactor > 1)) yield return $"divergence_factor must be > 1, got {DivergenceFactor}";
        if (Threads < 1) yield return $"threads must be >= 1, got {Threads}";
    }
}
