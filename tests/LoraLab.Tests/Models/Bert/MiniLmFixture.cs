using LoraLab.Models.Bert;
using Microsoft.ML.OnnxRuntime;

namespace LoraLab.Tests.Models.Bert;

/// <summary>all-MiniLM-L6-v2 loaded once per test class: our TorchSharp model and ONNX Runtime on the same ONNX.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        var dll = MiniLm.LocateDll();
        Onnx = ManifestResources.Read(dll, ".model.onnx");
        Pretrained = MiniLm.Load(dll);
        Pretrained.Model.eval();
        Session = new InferenceSession(Onnx);
        Tokenizer = BertTextTokenizer.FromVocab(Pretrained.VocabPath);
    }

    public byte[] Onnx { get; }
    public PretrainedBert Pretrained { get; }
    public InferenceSession Session { get; }
    public BertTextTokenizer Tokenizer { get; }

    public void Dispose()
    {
        Session.Dispose();
        Pretrained.Model.Dispose();
    }
}
