using LoraLab.Models.Bert;
using Microsoft.ML.OnnxRuntime;

namespace LoraLab.Tests.Models.Bert;

/// <summary>
/// all-MiniLM-L6-v2 loaded once per test run (a few seconds): our TorchSharp model, ONNX Runtime on the same ONNX,
/// and the tokenizer. Shared by every test class that takes this fixture; read-only use only.
/// </summary>
public sealed class MiniLmFixture
{
    private static readonly Lazy<MiniLmFixture> Shared = new(() => new MiniLmFixture(0));

    public MiniLmFixture()
    {
        var shared = Shared.Value;
        (Onnx, Pretrained, Session, Tokenizer) = (shared.Onnx, shared.Pretrained, shared.Session, shared.Tokenizer);
    }

    private MiniLmFixture(int _)
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
}
