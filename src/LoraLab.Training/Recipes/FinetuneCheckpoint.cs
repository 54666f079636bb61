using System.Security.Cryptography;
using System.Text.Json;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.IO.Safetensors;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// One checkpoint file, <c>DIR/checkpoints/step-NNNNNNNN.safetensors</c>: the tensors (trainable weights
/// <c>param/NAME</c>, AdamW moments <c>exp_avg/NAME</c> and <c>exp_avg_sq/NAME</c>, the torch RNG state
/// <c>rng/torch</c> as U8) plus two metadata entries: <c>loralab_checkpoint</c> (<see cref="CheckpointState"/> as
/// JSON) and <c>loralab_sha256</c> (SHA-256 over every tensor's name and bytes in ordinal name order, so a flipped
/// byte anywhere in the data is caught, not only a truncation). Written atomically (temp file + rename).
/// </summary>
internal static class FinetuneCheckpoint
{
    public const string StateKey = "loralab_checkpoint";
    public const string HashKey = "loralab_sha256";

    public static void Save(string path, CheckpointState state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var metadata = new Dictionary<string, string>
        {
            [StateKey] = JsonSerializer.Serialize(state, ConfigJson.Options),
            [HashKey] = Hash(tensors),
        };
        SafetensorsFile.Save(path, tensors, metadata);
    }

    /// <summary>Reads and verifies a checkpoint; any problem is a one-line <see cref="LoraLabException"/>
    /// (<see cref="ExitCodes.BadInput"/>) naming the file. The tensors join the current dispose scope.</summary>
    public static (CheckpointState State, Dictionary<string, Tensor> Tensors) Load(string path)
    {
        var header = SafetensorsFile.ReadHeader(path);
        var metadata = header.Metadata;
        if (!metadata.TryGetValue(StateKey, out var json)) throw Fail(path, $"no '{StateKey}' metadata entry");
        if (!metadata.TryGetValue(HashKey, out var hash)) throw Fail(path, $"no '{HashKey}' metadata entry");
        CheckpointState state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(json, ConfigJson.Options)
                ?? throw Fail(path, "state is null");
        }
        catch (JsonException ex)
        {
            throw Fail(path, $"malformed state JSON: {ex.Message.Split('.')[0].ReplaceLineEndings(" ")}");
        }
        if (state.Format != CheckpointState.FormatName || state.Version != CheckpointState.CurrentVersion)
            throw Fail(path, $"format {state.Format} v{state.Version}, " +
                             $"expected {CheckpointState.FormatName} v{CheckpointState.CurrentVersion}");
        if (state.Step < 0 || state.TotalSteps < state.Step || state.MetricsBytes < 0 || !(state.LrScale > 0)
            || state.Rollbacks < 0 || state.EvalsSinceBest < 0)
            throw Fail(path, $"inconsistent state (step {state.Step} of {state.TotalSteps}, metrics_bytes " +
                             $"{state.MetricsBytes}, lr_scale {state.LrScale}, rollbacks {state.Rollbacks})");
        var tensors = SafetensorsFile.Load(path);
        var actual = Hash(tensors);
        if (!string.Equals(actual, hash, StringComparison.Ordinal))
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw Fail(path, "checksum mismatch: the tensor data is corrupt");
        }
        return (state, tensors);
    }

    static string Hash(IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in tensors.Keys.Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            var contiguous = tensors[name].detach().cpu().contiguous();
            if (contiguous.numel() > 0) sha.AppendData(contiguous.bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static LoraLabException Fail(string path, string problem) => new($"{path}: {problem}", ExitCodes.BadInput);
}
