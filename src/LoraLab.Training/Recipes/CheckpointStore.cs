using System.Globalization;
using System.Text.RegularExpressions;
using LoraLab.IO;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// DIR/checkpoints/: one <see cref="FinetuneCheckpoint"/> file per saved step, the newest
/// <c>keep_checkpoints</c> kept. Loading walks from the newest back: a file that fails to load (truncated, flipped
/// bytes, malformed state, another run's shapes) is reported in one line, renamed to <c>*.corrupt</c> so it is never
/// chosen or counted again, and the previous one is tried.
/// </summary>
internal sealed partial class CheckpointStore(string runDirectory, int keep)
{
    public string Directory { get; } = Path.Combine(runDirectory, "checkpoints");

    public string PathOf(int step) => Path.Combine(
        Directory, $"step-{step.ToString("D8", CultureInfo.InvariantCulture)}.safetensors");

    /// <summary>Saved checkpoints, newest first.</summary>
    public IReadOnlyList<(int Step, string Path)> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.EnumerateFiles(Directory, "step-*.safetensors")
            .Select(p => (Match: StepName().Match(Path.GetFileName(p)), Path: p))
            .Where(m => m.Match.Success)
            .Select(m => (int.Parse(m.Match.Groups[1].Value, CultureInfo.InvariantCulture), m.Path))
            .OrderByDescending(c => c.Item1)
            .ToList();
    }

    /// <summary>Writes the checkpoint of <paramref name="state"/>.Step atomically, then deletes checkpoints of later
    /// steps (left by an abandoned trajectory: a rollback or a resume from an older file) and all but the newest
    /// <c>keep</c>.</summary>
    public string Save(CheckpointState state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var path = PathOf(state.Step);
        FinetuneCheckpoint.Save(path, state, tensors);
        var saved = List();
        foreach (var (step, file) in saved.Where(c => c.Step > state.Step)) File.Delete(file);
        foreach (var (_, file) in saved.Where(c => c.Step <= state.Step).Skip(keep)) File.Delete(file);
        return path;
    }

    /// <summary>The newest checkpoint that loads and passes <paramref name="check"/> (which throws a
    /// <see cref="LoraLabException"/> when the checkpoint does not fit this run); null when there is none.</summary>
    public (CheckpointState State, Dictionary<string, Tensor> Tensors, string Path)? LoadLatest(
        TextWriter log, Action<CheckpointState, IReadOnlyDictionary<string, Tensor>> check)
    {
        AtomicFile.RemoveStaleTemps(Directory);
        foreach (var (_, path) in List())
        {
            var scope = NewDisposeScope();
            try
            {
                var (state, tensors) = FinetuneCheckpoint.Load(path);
                try { check(state, tensors); }
                catch (LoraLabException ex) { throw new LoraLabException($"{path}: {ex.Message}", ex.ExitCode, ex); }
                scope.MoveToOuter(tensors.Values);
                scope.Dispose();
                return (state, tensors, path);
            }
            catch (LoraLabException ex)
            {
                scope.Dispose();
                log.WriteLine($"checkpoint unusable, trying the previous one: {ex.Message}");
                File.Move(path, path + ".corrupt", overwrite: true);
            }
        }
        return null;
    }

    [GeneratedRegex(@"^step-(\d{8})\.safetensors$")]
    private static partial Regex StepName();
}
