using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>DIR/wave.json: the probes of a search sweep's current wave (<see cref="SearchWaves"/>), spread over
/// <see cref="Tasks"/> Slurm array tasks; <see cref="Stalled"/> counts consecutive waves that listed the same probes
/// (their tasks ended without a result).</summary>
public sealed record SearchWave
{
    public int Number { get; init; }
    public int Tasks { get; init; }
    public List<string> Ids { get; init; } = [];
    public int Stalled { get; init; }

    public const string FileName = "wave.json";

    public static SearchWave? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? ConfigLoader.Load<SearchWave>(path) : null;
    }

    public void Write(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), ConfigJson.Serialize(this) + "\n");
}
