using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Models.Gpt2;
using LoraLab.Models.Llama;

namespace LoraLab.Tests.Models.Llama;

public sealed class LlamaConfigTests
{
    [Fact]
    public void Load_SetOverrides_UsesSnakeCaseKeysAndKebabEnums()
    {
        var c = ConfigLoader.Load<LlamaConfig>(null, ["n_kv_heads=8", "rope_layout=interleaved",
                                                      "tie_word_embeddings=false"]);
        Assert.Equal((8, RopeLayout.Interleaved, false), (c.NKvHeads, c.RopeLayout, c.TieWordEmbeddings));
        Assert.Equal(16, ConfigLoader.Load<Gpt2Config>(null, ["n_embd=16", "n_head=2"]).NEmbd);
    }

    [Fact]
    public void Load_BadShape_ListsEveryProblem()
    {
        var ex = Assert.Throws<LoraLabException>(
            () => ConfigLoader.Load<LlamaConfig>(null, ["dim=60", "n_kv_heads=3"]));
        Assert.Contains("divisible by n_heads", ex.Message);
        Assert.Contains("divisible by n_kv_heads", ex.Message);
    }
}
