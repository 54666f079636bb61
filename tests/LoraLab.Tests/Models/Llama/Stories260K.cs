using LoraLab.Models.Llama;

namespace LoraLab.Tests.Models.Llama;

/// <summary>Karpathy's stories260K and tok512, loaded once per test class (data/SOURCES.md §1).</summary>
public sealed class Stories260K
{
    public static string CheckpointPath => RepoPaths.Data("stories260K/stories260K.bin");
    public static string TokenizerPath => RepoPaths.Data("stories260K/tok512.bin");

    public LlamaModel Model { get; } = Llama2cCheckpoint.Load(CheckpointPath);
    public Llama2cTokenizer Tokenizer { get; } = Llama2cTokenizer.Load(TokenizerPath, 512);
}
