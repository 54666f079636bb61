using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using LoraLab.Models;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.Llama;

public sealed class HfLlamaTests(Stories260K stories) : IClassFixture<Stories260K>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"loralab-hfllama-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(null, 1)]          // one model.safetensors
    [InlineData(300_000L, 4)]      // 1,040,128 bytes of weights in shards of at most 300 kB
    public void SaveThenLoad_Stories260K_GivesBitIdenticalLogits(long? shardMaxBytes, int files)
    {
        // Given
        using var scope = NewDisposeScope();
        HfLlama.Save(stories.Model, _dir, shardMaxBytes, Stories260K.TokenizerPath);

        // When
        var loaded = HfLlama.Load(_dir);

        // Then
        Assert.Equal(files, Directory.GetFiles(_dir, "*.safetensors").Length);
        Assert.Equal(shardMaxBytes is not null, File.Exists(Path.Combine(_dir, HfCheckpoint.IndexFile)));
        Assert.Equal(stories.Model.Config, loaded.Config);
        var tokens = tensor(new long[] { 1, 403, 407, 261, 378, 432 }).unsqueeze(0);
        using var noGrad = no_grad();
        Assert.True(stories.Model.forward(tokens).eq(loaded.forward(tokens)).all().item<bool>(),
                    "logits differ after HF round trip");
        Assert.Equal([1, 403, 407, 261, 378], HfLlama.LoadLlama2cTokenizer(_dir, 512).Encode("Once upon a time"));
        using var spm = File.OpenRead(Path.Combine(_dir, "tokenizer.model"));
        Assert.Equal([1, 403, 407, 261, 378],
                     Microsoft.ML.Tokenizers.LlamaTokenizer.Create(spm).EncodeToIds("Once upon a time"));
    }

    [Fact]
    public void Save_Stories260K_WritesHfConfigKeysAndNoTiedLmHead()
    {
        HfLlama.Save(stories.Model, _dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")))!.AsObject();
        Assert.Equal(64, (int)config["hidden_size"]!);
        Assert.Equal(172, (int)config["intermediate_size"]!);
        Assert.Equal(4, (int)config["num_key_value_heads"]!);
        Assert.True((bool)config["tie_word_embeddings"]!);
        var names = LoraLab.IO.Safetensors.SafetensorsFile.ReadHeader(
            Path.Combine(_dir, "model.safetensors")).Entries.Select(e => e.Name).ToList();
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", names);
        Assert.DoesNotContain("lm_head.weight", names);
    }

    [Fact]
    public void Load_ShardMissingFromIndex_ThrowsOneLineError()
    {
        HfLlama.Save(stories.Model, _dir, shardMaxBytes: 300_000);
        File.Delete(Directory.GetFiles(_dir, "model-00002-of-*.safetensors").Single());
        var ex = Assert.Throws<LoraLabException>(() => HfLlama.Load(_dir));
        Assert.Contains("model-00002-of-00004.safetensors", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_MissingConfigKey_NamesTheKey()
    {
        HfLlama.Save(stories.Model, _dir);
        var path = Path.Combine(_dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config.Remove("intermediate_size");
        File.WriteAllText(path, config.ToJsonString());
        var ex = Assert.Throws<LoraLabException>(() => HfLlama.Load(_dir));
        Assert.Contains("\"intermediate_size\"", ex.Message);
    }

    [Fact]
    public void Save_InterleavedModel_IsRefused()
    {
        var interleaved = Llama2cCheckpoint.Load(Stories260K.CheckpointPath, RopeLayout.Interleaved);
        Assert.Throws<LoraLabException>(() => HfLlama.Save(interleaved, _dir));
    }
}
