using System.Globalization;
using System.Text;
using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The Slurm job-array scripts for a planned sweep folder. Task k runs shard k/N with N written into the script:
/// after a partial resubmit (<c>--array=3,5</c>) Slurm's own task count is 2, which would give wrong shards
/// (docs/reference/distributed.md §2). Paths are absolute; the merge job is chained with <c>afterany</c>, so it also
/// runs (and lists what is missing) when some tasks failed. </summary>
internal static class SlurmScripts
{
    public static string Array(string name, string directory, int shards, int threads, int pack, ChildCommand tool,
        IReadOnlyList<string> extra)
    {
        var sb = Header($"loralab-{name}",
            [$"--array=0-{shards - 1}", $"--cpus-per-task={threads}", $"--output={directory}/logs/%A_%a.out",
             .. extra]);
        return sb.Append(RunShard(tool, directory, shards.ToString(CultureInfo.InvariantCulture), threads, pack))
                 .ToString();
    }

    /// <summary>The array task's line: <c>sweep run</c> on shard $SLURM_ARRAY_TASK_ID of <paramref name="count"/>
    /// (a number, or a shell variable the driver sets).</summary>
    static string RunShard(ChildCommand tool, string directory, string count, int threads, int pack) =>
        "set -euo pipefail\n" +
        $"exec {Words(tool)} sweep run {Quote(Path.Combine(directory, "spec.json"))} --out {Quote(directory)} " +
        $"--shard \"$SLURM_ARRAY_TASK_ID/{count}\" --jobs 1 --threads {threads}" +
        (pack > 1 ? $" --pack {pack}\n" : "\n");

    public static string Merge(string name, string directory, ChildCommand tool, IReadOnlyList<string> extra)
    {
        var sb = Header($"loralab-{name}-merge",
                        ["--cpus-per-task=1", $"--output={directory}/logs/merge_%j.out", .. extra]);
        sb.Append("set -euo pipefail\n");
        sb.Append($"exec {Words(tool)} sweep merge {Quote(directory)}\n");
        return sb.ToString();
    }

    /// <summary>Submits the array, then the merge job with <c>--dependency=afterany</c> on it; prints both
    /// ids.</summary>
    public static string Submit(string directory) =>
        "#!/bin/bash\n" +
        "set -euo pipefail\n" +
        $"array=$(sbatch --parsable {Quote(Path.Combine(directory, "sweep.sbatch"))})\n" +
        $"merge=$(sbatch --parsable --dependency=afterany:${{array%%;*}} " +
        $"{Quote(Path.Combine(directory, "merge.sbatch"))})\n" +
        "echo \"array job $array, merge job $merge\"\n";

    /// <summary>One wave of a search sweep: task k runs shard k/N of DIR/wave.json, N given by the driver that
    /// submitted the array (LORALAB_WAVE_TASKS, the wave's own task count, never Slurm's).</summary>
    public static string Wave(string name, string directory, int threads, int pack, ChildCommand tool,
                              IReadOnlyList<string> extra)
    {
        var sb = Header($"loralab-{name}-wave",
                        [$"--cpus-per-task={threads}", $"--output={directory}/logs/wave_%A_%a.out", .. extra]);
        return sb.Append(RunShard(tool, directory, "$LORALAB_WAVE_TASKS", threads, pack)).ToString();
    }

    /// <summary>The driver of a search sweep: plans the next wave (<c>sweep wave</c>); none left: merges; else submits
    /// the wave's array and itself again with afterany on it, so it runs once the array has ended, however it
    /// ended.</summary>
    public static string Driver(string name, string directory, int maxTasks, ChildCommand tool,
                                IReadOnlyList<string> extra)
    {
        var sb = Header($"loralab-{name}-driver",
                        ["--cpus-per-task=1", $"--output={directory}/logs/driver_%j.out", .. extra]);
        var spec = Quote(Path.Combine(directory, "spec.json"));
        sb.Append("set -euo pipefail\n");
        sb.Append($"n=$({Words(tool)} sweep wave {spec} --out {Quote(directory)} --tasks {maxTasks})\n");
        sb.Append($"if [ \"$n\" = 0 ]; then exec {Words(tool)} sweep merge {Quote(directory)}; fi\n");
        sb.Append("array=$(sbatch --parsable --array=0-$((n - 1)) --export=ALL,LORALAB_WAVE_TASKS=\"$n\" " +
                  $"{Quote(Path.Combine(directory, "wave.sbatch"))})\n");
        sb.Append($"sbatch --parsable --dependency=afterany:${{array%%;*}} " +
                  $"{Quote(Path.Combine(directory, "driver.sbatch"))} >/dev/null\n");
        sb.Append("echo \"wave array job $array ($n tasks)\"\n");
        return sb.ToString();
    }

    /// <summary>Submits a search sweep's driver; prints its id. Submitting it again resumes the search.</summary>
    public static string SubmitDriver(string directory) =>
        "#!/bin/bash\n" +
        "set -euo pipefail\n" +
        $"driver=$(sbatch --parsable {Quote(Path.Combine(directory, "driver.sbatch"))})\n" +
        "echo \"driver job $driver\"\n";

    /// <summary>A user's pass-through line: "#SBATCH --partition=gpu" or just "--partition=gpu".</summary>
    public static string Directive(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Contains('\n') || trimmed.Length == 0)
            throw new LoraLabException($"--sbatch expects one directive, got '{line}'", ExitCodes.Usage);
        return trimmed.StartsWith("#SBATCH ", StringComparison.Ordinal) ? trimmed
            : trimmed.StartsWith('-') ? "#SBATCH " + trimmed
            : throw new LoraLabException($"--sbatch expects '#SBATCH --option' or '--option', got '{line}'",
                                         ExitCodes.Usage);
    }

    static StringBuilder Header(string jobName, IReadOnlyList<string> directives)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        sb.Append($"#SBATCH --job-name={jobName}\n");
        foreach (var line in directives) sb.Append(Directive(line)).Append('\n');
        return sb;
    }

    static string Words(ChildCommand tool) => string.Join(" ", tool.Words.Select(Quote));

    /// <summary>POSIX single quotes (a quote inside becomes '\'').</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
