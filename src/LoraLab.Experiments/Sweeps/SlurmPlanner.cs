using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// <c>sweep plan --slurm</c>: writes plan.json, spec.json (the spec with its base inlined, so the folder is
/// self-contained), sweep.sbatch, merge.sbatch, submit.sh, slurm.json and the logs/ folder Slurm writes into. With
/// <c>pack</c> &gt; 1 each array task packs the runs of its shard that share a pack key (shard k holds the plan indexes
/// ≡ k mod N, so e.g. N = the number of seeds, the grid's last axis, gives each task one seed's whole pack).
/// </summary>
public static class SlurmPlanner
{
    public const int MaxArraySize = 1000;

    public static SlurmSettings Write(SweepSpec spec, SweepPlan plan, ResultStore store, int? shards, int threads,
        int pack, ChildCommand tool, IReadOnlyList<string> extra)
    {
        if (plan.Search is not null) return WriteSearch(spec, plan, store, shards, threads, pack, tool, extra);
        var n = shards ?? Math.Min(plan.Runs.Count, MaxArraySize);
        CheckSizes(n, threads);
        store.EnsurePlan(plan);
        var dir = store.Directory;
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        AtomicFile.WriteAllText(Path.Combine(dir, "spec.json"), SpecJson(spec));
        AtomicFile.WriteAllText(Path.Combine(dir, "sweep.sbatch"),
                                SlurmScripts.Array(spec.Name, dir, n, threads, pack, tool, extra));
        AtomicFile.WriteAllText(Path.Combine(dir, "merge.sbatch"), SlurmScripts.Merge(spec.Name, dir, tool, extra));
        WriteSubmit(dir, SlurmScripts.Submit(dir));
        return SaveSettings(dir, new SlurmSettings
        {
            Shards = n, Threads = threads, Pack = pack, ScriptPath = Path.Combine(dir, "sweep.sbatch"),
        });
    }

    /// <summary>A search sweep runs as waves (<see cref="SearchWaves"/>): driver.sbatch plans a wave, submits it as an
    /// array of wave.sbatch (at most <paramref name="shards"/> tasks; default one per grid point) and itself again
    /// with afterany on that array; once no probe is needed it merges. submit.sh submits the driver.</summary>
    static SlurmSettings WriteSearch(SweepSpec spec, SweepPlan plan, ResultStore store, int? shards, int threads,
        int pack, ChildCommand tool, IReadOnlyList<string> extra)
    {
        var n = shards ?? Math.Min(plan.Cells!.Count, MaxArraySize);
        CheckSizes(n, threads);
        store.BeginSearch(plan);
        var dir = store.Directory;
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        AtomicFile.WriteAllText(Path.Combine(dir, "spec.json"), SpecJson(spec));
        AtomicFile.WriteAllText(Path.Combine(dir, "wave.sbatch"),
                                SlurmScripts.Wave(spec.Name, dir, threads, pack, tool, extra));
        AtomicFile.WriteAllText(Path.Combine(dir, "driver.sbatch"),
                                SlurmScripts.Driver(spec.Name, dir, n, tool, extra));
        WriteSubmit(dir, SlurmScripts.SubmitDriver(dir));
        return SaveSettings(dir, new SlurmSettings
        {
            Shards = n, Threads = threads, Pack = pack, ScriptPath = Path.Combine(dir, "driver.sbatch"),
        });
    }

    static void CheckSizes(int shards, int threads)
    {
        if (shards < 1 || shards > MaxArraySize)
            throw new LoraLabException($"--shards must be in 1..{MaxArraySize} " +
                                       $"(Slurm's default MaxArraySize is 1001), got {shards}", ExitCodes.Usage);
        if (threads < 1) throw new LoraLabException($"--threads must be >= 1, got {threads}", ExitCodes.Usage);
    }

    /// <summary>DIR/submit.sh, executable (rwxr-xr-x).</summary>
    static void WriteSubmit(string dir, string script)
    {
        AtomicFile.WriteAllText(Path.Combine(dir, "submit.sh"), script);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(dir, "submit.sh"), (UnixFileMode)0b111_101_101);
    }

    static SlurmSettings SaveSettings(string dir, SlurmSettings settings)
    {
        AtomicFile.WriteAllText(Path.Combine(dir, SlurmSettings.FileName), ConfigJson.Serialize(settings) + "\n");
        return settings;
    }

    static JsonNode Named(string name, JsonObject setting)
    {
        var obj = new JsonObject { ["name"] = name };
        foreach (var (key, value) in setting) obj[key] = value?.DeepClone();
        return obj;
    }

    public static string SpecJson(SweepSpec spec)
    {
        var grid = new JsonObject();
        foreach (var axis in spec.Grid)
            grid[axis.Key] = new JsonArray(axis.Values.Select(v => axis.Settings is { } settings
                ? Named(CanonicalJson.ScalarText(v), settings[CanonicalJson.ScalarText(v)])
                : v?.DeepClone()).ToArray());
        var root = new JsonObject
        {
            ["name"] = spec.Name,
            ["kind"] = spec.Kind,
            ["base"] = spec.Base.DeepClone(),
            ["grid"] = grid,
        };
        if (spec.Search is not null) root["search"] = ConfigJson.ToNode(spec.Search);
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
