using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>DIR/slurm.json, written by <c>sweep plan --slurm</c>: the shard count baked into sweep.sbatch and the
/// script's path, so that <c>sweep status</c> can print the resubmit line.</summary>
public sealed record SlurmSettings
{
    public int Shards { get; init; }
    public int Threads { get; init; }
    /// <summary>Runs per packed pass inside each array task (<c>sweep run --pack</c>); 1 = off.</summary>
    public int Pack { get; init; } = 1;
    public string ScriptPath { get; init; } = "";

    public const string FileName = "slurm.json";

    public static SlurmSettings? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? ConfigLoader.Load<SlurmSettings>(path) : null;
    }
}
