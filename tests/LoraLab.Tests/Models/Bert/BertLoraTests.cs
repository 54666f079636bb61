using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.Models.Bert;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Bert;

[Collection(TorchCollection.Name)]
public sealed class BertLoraTests
{
    private static readonly BertConfig Tiny = new()
    {
        VocabSize = 50, HiddenSize = 16, NumLayers = 2, NumHeads = 4, IntermediateSize = 32,
        MaxPositionEmbeddings = 20,
    };

    [Fact]
    public void Inject_QueryValue_NamesMatchPeftBertForSequenceClassification()
    {
        manual_seed(4);
        using var classifier = new BertClassifier(new BertModel(Tiny), numLabels: 2);
        var result = LoraInjector.Inject(classifier, new LoraConfig { Rank = 2, TargetModules = ["query", "value"] });

        Assert.Equal(4, result.Layers.Count);
        var trainable = classifier.named_parameters().Where(p => p.parameter.requires_grad).Select(
            p => p.name).ToList();
        Assert.Contains("bert.encoder.layer.0.attention.self.query.lora_A.weight", trainable);
        Assert.Contains("bert.encoder.layer.1.attention.self.value.lora_B.weight", trainable);
        Assert.Equal(8, trainable.Count);
    }

    [Fact]
    public void Inject_InitA_LeavesLogitsUnchangedAndTrainsOnlyAdapters()
    {
        manual_seed(5);
        using var classifier = new BertClassifier(new BertModel(Tiny), numLabels: 2);
        classifier.eval();
        var batch = BertBatch.Collate([new BertEncoding([1, 5, 6, 2], [0, 0, 0, 0]),
                                       new BertEncoding([1, 7, 2], [0, 0, 0])]);
        var before = classifier.call(batch).detach().clone();

        LoraInjector.Inject(classifier, new LoraConfig { Rank = 2, TargetModules = ["query", "value"] });
        var after = classifier.call(batch);
        Assert.True(allclose(before, after, rtol: 0, atol: 1e-6));

        after.square().sum().backward();
        foreach (var (name, p) in classifier.named_parameters())
            Assert.Equal(name.Contains("lora_"), p.grad is not null);
    }

    [Fact]
    public void PeftSave_ClassifierWithHead_WritesPeftBertTensorNames()
    {
        manual_seed(6);
        using var classifier = new BertClassifier(new BertModel(Tiny), numLabels: 2);
        var lora = new LoraConfig { Rank = 2, TargetModules = ["query", "value"] };
        LoraInjector.Inject(classifier, lora);
        var dir = Path.Combine(Path.GetTempPath(), $"loralab-bert-adapter-{Guid.NewGuid():N}");
        try
        {
            PeftAdapter.Save(dir, classifier, lora,
                new AdapterSaveInfo("minilm", "SEQ_CLS", new LoralabAdapterExtras(), ModulesToSave: ["classifier"]));
            var names = PeftAdapter.Read(dir).Tensors.Keys.ToHashSet();
            Assert.Contains("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight", names);
            Assert.Contains("base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight", names);
            Assert.Contains("base_model.model.classifier.weight", names);
            Assert.Equal(8 + 2, names.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
