using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Tests.Training;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;
using Xunit.Abstractions;

namespace LoraLab.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of finetune checkpoints (<c>--resume</c>'s files): real checkpoints of a short run,
/// mutated as safetensors files (raw bytes, header length, header text) and through the state JSON inside their
/// metadata; <see cref="FinetuneCheckpoint.Load"/> must load each or reject it in one line.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointFuzzTests(ITestOutputHelper output) : IDisposable
{
    const int Seed = 20260102;
    internal const int Cases = 2 * 750;
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Checkpoint_MutatedFiles_LoadOrOneLineError()
    {
        var run = Path.Combine(_dir.Path, "run");
        var config = new FinetuneConfig
        {
            Steps = 4, BatchSize = 8, EvalEvery = 0, Threads = 1, CheckpointEvery = 2, KeepCheckpoints = 3,
            Lora = new() { Rank = 2, Alpha = 4 }, Optim = new OptimizerConfig { Lr = 1e-2 },
            Schedule = new LrSchedule { Decay = LrDecay.Constant }, Tensorboard = false,
        };
        using (var task = new TinyTask(seed: 0)) FinetuneRecipe.Train(config, task, run, TextWriter.Null);
        var seeds = Directory.GetFiles(Path.Combine(run, "checkpoints"), "step-*.safetensors").Order()
            .Where(p => !p.EndsWith("step-00000000.safetensors", StringComparison.Ordinal))
            .Select(p => (Path.GetFileName(p), File.ReadAllBytes(p))).ToList();
        Assert.Equal(2, seeds.Count);                                                     // steps 2 and 4
        var random = new Random(Seed);
        var bytes = new SafetensorsMutator(random);
        var state = new JsonMutator(random);
        var cases = Path.Combine(_dir.Path, "cases");
        Directory.CreateDirectory(cases);

        var outcome = FuzzHarness.Run("checkpoint", seeds, Cases / seeds.Count,
            f => random.Next(2) == 0 ? bytes.Mutate(f) : MutateState(f, state),
            (file, label) =>
            {
                var path = Path.Combine(cases, label);
                File.WriteAllBytes(path, file);
                using var scope = TorchSharp.torch.NewDisposeScope();
                FinetuneCheckpoint.Load(path);
            },
            allocationSlack: 1 << 20, output);

        Assert.True(outcome.Loaded > 10, $"only {outcome.Loaded} mutated checkpoints loaded");
        Assert.True(outcome.Rejected > Cases / 2, $"only {outcome.Rejected} mutated checkpoints rejected");
    }

    /// <summary>Applies a JSON mutation to the <c>loralab_checkpoint</c> state inside the header and rewrites the
    /// header (padded to 8 bytes like the writer's) and its length prefix; the tensor data is untouched.</summary>
    static byte[] MutateState(byte[] file, JsonMutator mutator)
    {
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, n))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        var stateJson = metadata[FinetuneCheckpoint.StateKey]!.GetValue<string>();
        var mutated = mutator.Mutate(Encoding.UTF8.GetBytes(stateJson));
        metadata[FinetuneCheckpoint.StateKey] = Encoding.UTF8.GetString(mutated);
        var text = header.ToJsonString();
        text += new string(' ', (8 - Encoding.UTF8.GetByteCount(text) % 8) % 8);
        var edited = Encoding.UTF8.GetBytes(text);
        var result = new byte[8 + edited.Length + file.Length - 8 - n];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)edited.Length);
        edited.CopyTo(result, 8);
        file.AsSpan(8 + n).CopyTo(result.AsSpan(8 + edited.Length));
        return result;
    }
}
