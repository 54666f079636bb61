using LoraLab.Core;
using LoraLab.IO;
using LoraLab.Models.Mlp;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LoraLab.Tests.Core;

[Collection(TorchCollection.Name)]
public sealed class LoraInjectorTests
{
    [Fact]
    public void Inject_Mlp_ReplacesTargetsFreezesBaseAndCounts()
    {
        torch.manual_seed(1);
        var model = new MlpModel(new MlpSpec(16, 32, 4));

        var result = LoraInjector.Inject(model, new LoraConfig { Rank = 2, Alpha = 4, TargetModules = ["fc1"] });

        var layer = Assert.Single(result.Layers);
        Assert.Equal("fc1", layer.Path);
        var names = model.named_parameters().Select(p => (p.name, p.parameter.requires_grad)).ToList();
        (string, bool)[] expected =
            [("fc1.base_layer.weight", false), ("fc1.base_layer.bias", false), ("fc1.lora_A.weight", true),
             ("fc1.lora_B.weight", true), ("fc2.weight", false), ("fc2.bias", false)];
        Assert.Equal(expected.OrderBy(n => n.Item1, StringComparer.Ordinal).ToList(),
            names.OrderBy(n => n.name, StringComparer.Ordinal).ToList());
        Assert.Equal(2 * 16 + 32 * 2, result.TrainableParameters);
        Assert.Equal(16 * 32 + 32 + 32 * 4 + 4 + 2 * 16 + 32 * 2, result.TotalParameters);
    }

    [Fact]
    public void Inject_ThenTrainStep_GradientsReachOnlyAAndB()
    {
        torch.manual_seed(2);
        var model = new MlpModel(new MlpSpec(8, 16, 3));
        LoraInjector.Inject(model, new LoraConfig { Rank = 2, TargetModules = MlpModel.DefaultTargets.ToList(),
                                                   Init = LoraInit.B });

        model.forward(randn(5, 8)).square().sum().backward();

        foreach (var (name, p) in model.named_parameters())
        {
            var isLora = name.Contains("lora_");
            Assert.Equal(isLora, p.grad is not null);
            if (name.EndsWith("lora_A.weight"))
                Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} got no gradient");
        }
    }

    [Fact]
    public void Inject_ForwardUsesLoraBranch()
    {
        torch.manual_seed(3);
        var model = new MlpModel(new MlpSpec(8, 16, 3));
        var result = LoraInjector.Inject(model, new LoraConfig { Rank = 2, TargetModules = ["fc2"] });
        var x = randn(4, 8);
        var before = model.forward(x).detach().clone();

        using (no_grad()) result.Layers[0].Layer.LoraB.fill_(1f);

        Assert.False(model.forward(x).detach().allclose(before), "the model must call the injected LoRA layer");
    }

    [Fact]
    public void Inject_RankAndAlphaPattern_OverridePerModule()
    {
        torch.manual_seed(4);
        var model = new MlpModel(new MlpSpec(8, 16, 3));
        var config = new LoraConfig
        {
            Rank = 2, Alpha = 4, TargetModules = ["fc1", "fc2"],
            RankPattern = new() { ["fc2"] = 1 }, AlphaPattern = new() { ["fc2"] = 3 },
        };

        var layers = LoraInjector.Inject(model, config).Layers.ToDictionary(l => l.Path, l => l.Layer);

        Assert.Equal((2, 4.0, 2.0), (layers["fc1"].Rank, layers["fc1"].Alpha, layers["fc1"].Scale));
        Assert.Equal((1, 3.0, 3.0), (layers["fc2"].Rank, layers["fc2"].Alpha, layers["fc2"].Scale));
    }

    [Fact]
    public void Inject_RsLora_ScalesByAlphaOverSqrtR()
    {
        var model = new MlpModel(new MlpSpec(8, 16, 3));
        var layer = LoraInjector.Inject(model, new LoraConfig
        {
            Rank = 4, Alpha = 8, TargetModules = ["fc1"], Scaling = LoraScaling.AlphaOverSqrtR,
        }).Layers[0].Layer;
        Assert.Equal(4.0, layer.Scale);
    }

    [Theory]
    [InlineData("fc", "no module matches")]
    [InlineData("fc1", "typed Linear")]
    public void Inject_BadTarget_OneLineError(string target, string expected)
    {
        var model = new LinearFieldModel();
        var ex = Assert.Throws<LoraLabException>(() =>
            LoraInjector.Inject(model, new LoraConfig { TargetModules = [target] }));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Targets_SuffixExactAndRegex_FollowPeft()
    {
        var byList = new LoraConfig { TargetModules = ["q_proj"] };
        Assert.True(byList.Targets("model.layers.0.self_attn.q_proj"));
        Assert.True(byList.Targets("q_proj"));
        Assert.False(byList.Targets("model.layers.0.self_attn.xq_proj"));
        var byRegex = new LoraConfig { TargetRegex = @".*\.0\..*q_proj" };
        Assert.True(byRegex.Targets("model.layers.0.self_attn.q_proj"));
        Assert.False(byRegex.Targets("model.layers.1.self_attn.q_proj"));
        var excluded = byList with { ExcludeModules = ["layers.0.self_attn.q_proj"] };
        Assert.False(excluded.Targets("model.layers.0.self_attn.q_proj"));
    }

    /// <summary>A model that holds its Linear in a field typed Linear, which cannot hold a LoRA layer.</summary>
    sealed class LinearFieldModel : Module<Tensor, Tensor>
    {
        [ComponentName(Name = "fc1")] private readonly TorchSharp.Modules.Linear _fc1 = Linear(4, 4);

        public LinearFieldModel() : base(nameof(LinearFieldModel)) => RegisterComponents();

        public override Tensor forward(Tensor x) => _fc1.forward(x);
    }
}
