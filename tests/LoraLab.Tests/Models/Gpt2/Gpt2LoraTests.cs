using LoraLab.Core;
using LoraLab.Models.Gpt2;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Gpt2;

[Collection(TorchCollection.Name)]
public sealed class Gpt2LoraTests
{
    [Fact]
    public void Inject_CAttnAndCFc_GivesPeftNamesAndKeepsOutputAtInitA()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = HfGpt2.Load(RepoPaths.Data("tiny-gpt2-random-fixture"));
        var tokens = tensor(new long[] { 20, 0, 5, 11 }).unsqueeze(0);
        Tensor before;
        using (no_grad()) before = model.forward(tokens);

        var result = LoraInjector.Inject(model, new LoraConfig { Rank = 2, TargetModules = ["c_attn", "c_fc"] });

        Assert.Equal(2, result.Layers.Count);
        // PEFT: base_model.model.transformer.h.0.attn.c_attn.lora_A.weight
        Assert.Contains("transformer.h.0.attn.c_attn.lora_A.weight", model.state_dict().Keys);
        using (no_grad()) Assert.Equal(0f, (model.forward(tokens) - before).abs().max().item<float>());
    }
}
