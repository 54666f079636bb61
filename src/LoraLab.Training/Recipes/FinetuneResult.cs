using LoraLab.Training.Data;
using LoraLab.Training.Optim;

namespace LoraLab.Training.Recipes;

/// <summary>DIR/result.json: the resolved config, the environment, what data was read, the optimizer groups, metrics
/// before and after, and how the run ended ("completed"; "diverged" on a non-finite value or "stopped" by a monitor,
/// with the step and the reason; "interrupted" by SIGTERM/SIGINT, resumable), the best adapter and the monitors'
/// events.</summary>
public sealed record FinetuneResult
{
    public string Status { get; init; } = "completed";
    public int? DivergedAtStep { get; init; }
    public string? DivergenceReason { get; init; }
    public string PrimaryMetric { get; init; } = "";
    /// <summary>Eval metrics of the model before training (step 0), when eval_at_start.</summary>
    public IReadOnlyDictionary<string, double>? InitialMetrics { get; init; }
    /// <summary>Eval metrics after the last (good) step.</summary>
    public IReadOnlyDictionary<string, double> FinalMetrics { get; init; } = new Dictionary<string, double>();
    public int StepsPlanned { get; init; }
    public int StepsCompleted { get; init; }
    public double Epochs { get; init; }
    public int BatchSize { get; init; }
    public double WallSeconds { get; init; }
    public double TrainSecondsPerStep { get; init; }
    public long TrainableParameters { get; init; }
    public long TotalParameters { get; init; }
    public IReadOnlyList<string> AdaptedLayers { get; init; } = [];
    public IReadOnlyList<ParamGroupInfo> OptimizerGroups { get; init; } = [];
    public IReadOnlyList<string> OptimizerDescription { get; init; } = [];
    public IReadOnlyList<DatasetLoadReport> Data { get; init; } = [];
    public string? AdapterPath { get; init; }
    /// <summary>The eval metric that picked adapter-best/, its best value and step (null without an eval after step
    /// 0).</summary>
    public string SelectBy { get; init; } = "";
    public double? BestValue { get; init; }
    public int? BestStep { get; init; }
    public string? BestAdapterPath { get; init; }
    /// <summary>True when early_stopping_patience ended the run.</summary>
    public bool StoppedEarly { get; init; }
    /// <summary>Monitor rollbacks done, and the LR multiplier they left (0.5 per rollback).</summary>
    public int Rollbacks { get; init; }
    public double LrScale { get; init; } = 1.0;
    /// <summary>Every monitor firing, as printed.</summary>
    public IReadOnlyList<string> MonitorEvents { get; init; } = [];
    public RunEnvironment? Environment { get; init; }
    public FinetuneConfig Config { get; init; } = new();
}
