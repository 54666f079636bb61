using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.IO.Safetensors;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Llama;

[Collection(TorchCollection.Name)]
public sealed class LlamaLoraTests
{
    [Fact]
    public void Inject_QvTargets_GivesPeftNamesAndKeepsOutputAtInitA()
    {
        // Given
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = Llama2cCheckpoint.Load(Stories260K.CheckpointPath);
        var tokens = tensor(new long[] { 1, 403, 407, 261, 378 }).unsqueeze(0);
        var before = Forward(model, tokens);

        // When
        var result = LoraInjector.Inject(model,
                                         new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] });

        // Then: PEFT saves these as base_model.model.<key> (e.g.
        // base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight)
        Assert.Equal(10, result.Layers.Count);
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.lora_A.weight", keys);
        Assert.Contains("model.layers.4.self_attn.v_proj.lora_B.weight", keys);
        Assert.Contains("model.layers.0.self_attn.q_proj.base_layer.weight", keys);
        Assert.DoesNotContain("model.layers.0.self_attn.k_proj.lora_A.weight", keys);
        Assert.Equal(0f, (Forward(model, tokens) - before).abs().max().item<float>()); // Init[A]: B = 0
    }

    [Fact]
    public void Inject_NonZeroB_ChangesOutputThroughTheAdaptedField()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var model = Llama2cCheckpoint.Load(Stories260K.CheckpointPath);
        var tokens = tensor(new long[] { 1, 403, 407 }).unsqueeze(0);
        var before = Forward(model, tokens);
        var result = LoraInjector.Inject(model,
                                         new LoraConfig { Rank = 2, TargetModules = ["o_proj"], Init = LoraInit.B });
        using (no_grad()) result.Layers[0].Layer.LoraA.fill_(0.05);
        Assert.True((Forward(model, tokens) - before).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void PeftAdapter_SaveThenApply_UsesPeftLlamaNamesAndRestoresLogits()
    {
        // Given: a trained-looking adapter (B ≠ 0) on q_proj and v_proj
        using var scope = NewDisposeScope();
        manual_seed(4);
        var lora = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] };
        var model = Llama2cCheckpoint.Load(Stories260K.CheckpointPath);
        var result = LoraInjector.Inject(model, lora);
        using (no_grad()) foreach (var layer in result.Layers) layer.Layer.LoraB.normal_(0, 0.1);
        var tokens = tensor(new long[] { 1, 403, 407, 261, 378 }).unsqueeze(0);
        var adapted = Forward(model, tokens);
        var dir = CliTester.TempDir();

        // When
        PeftAdapter.Save(dir, model, lora, new AdapterSaveInfo("stories260K", "CAUSAL_LM", new LoralabAdapterExtras()));
        var fresh = Llama2cCheckpoint.Load(Stories260K.CheckpointPath);
        PeftAdapter.Apply(dir, fresh);

        // Then
        var names = SafetensorsFile.ReadHeader(Path.Combine(dir, "adapter_model.safetensors")).Entries.Select(
            e => e.Name).ToList();
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", names);
        Assert.Contains("base_model.model.model.layers.4.self_attn.v_proj.lora_B.weight", names);
        Assert.Equal(20, names.Count);
        Assert.Equal(0f, (Forward(fresh, tokens) - adapted).abs().max().item<float>());
        Directory.Delete(dir, recursive: true);
    }

    private static Tensor Forward(LlamaModel model, Tensor tokens)
    {
        using var noGrad = no_grad();
        return model.forward(tokens);
    }
}
