using LoraLab.Models.Llama;

namespace LoraLab.Training.Data;

/// <summary><see cref="ITextTokenizer"/> over llama2.c's SentencePiece-BPE tokenizer (tok512 for stories260K).</summary>
public sealed class Llama2cTextTokenizer(Llama2cTokenizer tokenizer) : ITextTokenizer
{
    public int[] Encode(string text) => tokenizer.Encode(text, bos: false).ToArray();

    public int? BosId => Llama2cTokenizer.Bos;

    public int? EosId => Llama2cTokenizer.Eos;

    public int VocabSize => tokenizer.VocabSize;
}
