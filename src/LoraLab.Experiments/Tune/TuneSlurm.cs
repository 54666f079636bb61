using System.Text;
using LoraLab.IO;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// <c>tune plan --slurm</c>: tune's waves as Slurm job arrays. DIR/wave.sbatch runs the pending wave, one run per
/// array task (<c>sweep run-one</c> on the id in line k + 1 of DIR/wave-ids.txt); DIR/next.sbatch, chained with
/// <c>afterany</c>, reruns <c>tune plan --slurm --submit</c>, which replays the results, plans and submits the next
/// wave, or, when nothing is left, writes tune's outputs. DIR/submit.sh submits the pair.
/// </summary>
public static class TuneSlurm
{
    public static void Write(string directory, string name, TuneWavePending wave, ChildCommand tool, int threads,
        IReadOnlyList<string> nextArguments, IReadOnlyList<string> extra)
    {
        Directory.CreateDirectory(Path.Combine(directory, "logs"));
        var ids = Path.Combine(directory, "wave-ids.txt");
        AtomicFile.WriteAllText(ids, string.Join("\n", wave.Ids) + "\n");
        var array = Header($"loralab-tune-{name}", [$"--array=0-{wave.Ids.Count - 1}", $"--cpus-per-task={threads}",
            $"--output={directory}/logs/%A_%a.out", .. extra]);
        array.Append($"# {wave.What}\n");
        array.Append($"id=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {Q(ids)})\n");
        array.Append($"exec {Words(tool)} sweep run-one {Q(wave.Directory)} \"$id\" --threads {threads}\n");
        AtomicFile.WriteAllText(Path.Combine(directory, "wave.sbatch"), array.ToString());
        var next = Header($"loralab-tune-{name}-next",
                          ["--cpus-per-task=1", $"--output={directory}/logs/next_%j.out", .. extra]);
        next.Append($"exec {Words(tool)} {string.Join(" ", nextArguments.Select(Q))}\n");
        AtomicFile.WriteAllText(Path.Combine(directory, "next.sbatch"), next.ToString());
        var submit = Path.Combine(directory, "submit.sh");
        AtomicFile.WriteAllText(submit, "#!/bin/bash\n" +
            "set -euo pipefail\n" +
            $"array=$(sbatch --parsable {Q(Path.Combine(directory, "wave.sbatch"))})\n" +
            $"next=$(sbatch --parsable --dependency=afterany:${{array%%;*}} " +
            $"{Q(Path.Combine(directory, "next.sbatch"))})\n" +
            "echo \"wave: array job $array, then job $next plans the next wave\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(submit, (UnixFileMode)0b111_101_101);
    }

    static StringBuilder Header(string jobName, IReadOnlyList<string> directives)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        sb.Append($"#SBATCH --job-name={jobName}\n");
        foreach (var line in directives) sb.Append(SlurmScripts.Directive(line)).Append('\n');
        sb.Append("set -euo pipefail\n");
        return sb;
    }

    static string Words(ChildCommand tool) => string.Join(" ", tool.Words.Select(Q));

    static string Q(string word) => SlurmScripts.Quote(word);
}
