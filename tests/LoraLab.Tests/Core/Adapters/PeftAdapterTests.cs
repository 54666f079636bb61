using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.Models.Mlp;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Core.Adapters;

[Collection(TorchCollection.Name)]
public sealed class PeftAdapterTests
{
    static readonly MlpSpec Spec = new(12, 16, 5);

    static (MlpModel Model, LoraConfig Lora) Trained(LoraInit init, int seed = 7)
    {
        torch.manual_seed(seed);
        var model = new MlpModel(Spec);
        var lora = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["fc1", "fc2"], Init = init };
        var layers = LoraInjector.Inject(model, lora).Layers;
        using (no_grad())
            foreach (var l in layers)
            {
                l.Layer.LoraA.add_(randn_like(l.Layer.LoraA) * 0.1);
                l.Layer.LoraB.add_(randn_like(l.Layer.LoraB) * 0.1);
            }
        return (model, lora);
    }

    static MlpModel FreshBase(int seed = 7)
    {
        torch.manual_seed(seed);
        return new MlpModel(Spec);
    }

    [Fact]
    public void SaveThenApply_ToFreshBase_BitIdenticalFactorsAndOutputs()
    {
        var (model, lora) = Trained(LoraInit.A);
        var dir = CliTester.TempDir();
        PeftAdapter.Save(dir, model, lora, new AdapterSaveInfo("mlp", null, new LoralabAdapterExtras()));

        var reloaded = FreshBase();
        PeftAdapter.Apply(dir, reloaded);

        var original = LoraInjector.FindLayers(model);
        var again = LoraInjector.FindLayers(reloaded);
        foreach (var (o, r) in original.Zip(again))
        {
            Assert.True(o.Layer.LoraA.eq(r.Layer.LoraA).all().item<bool>(), $"{o.Path} A");
            Assert.True(o.Layer.LoraB.eq(r.Layer.LoraB).all().item<bool>(), $"{o.Path} B");
        }
        var x = randn(3, 12);
        Assert.True(model.forward(x).eq(reloaded.forward(x)).all().item<bool>());
    }

    [Theory]
    [InlineData(LoraInit.BothRandom)]   // exported as rank 2r relative to the original base weight
    [InlineData(LoraInit.Pissa)]        // re-derived from the original base weight on load, as PEFT does
    [InlineData(LoraInit.Olora)]
    public void SaveThenApply_WeightModifyingInit_ReproducesForwardOnOriginalBase(LoraInit init)
    {
        var (model, lora) = Trained(init);
        var dir = CliTester.TempDir();
        PeftAdapter.Save(dir, model, lora, new AdapterSaveInfo("mlp", null, new LoralabAdapterExtras()));

        var reloaded = FreshBase();
        PeftAdapter.Apply(dir, reloaded);

        var x = randn(3, 12);
        TensorAssert.Close(reloaded.forward(x), model.forward(x), 1e-5, 1e-4, $"{init} forward after reload");
    }

    [Fact]
    public void Apply_WrongModel_ListsMismatchesByName()
    {
        var (model, lora) = Trained(LoraInit.A);
        var dir = CliTester.TempDir();
        PeftAdapter.Save(dir, model, lora, new AdapterSaveInfo("mlp", null, new LoralabAdapterExtras()));

        torch.manual_seed(1);
        var other = new MlpModel(new MlpSpec(12, 20, 5));
        var ex = Assert.Throws<LoraLabException>(() => PeftAdapter.Apply(dir, other));

        Assert.Contains("shape mismatch", ex.Message);
        Assert.Contains("fc1.lora_B.weight", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
