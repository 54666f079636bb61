using System.Text;
using LoraLab.Models.Generation;
using LoraLab.Models.Llama;

namespace LoraLab.Tests.Models.Llama;

public sealed class GeneratorTests(Stories260K stories) : IClassFixture<Stories260K>
{
    private static readonly HashSet<int> Stop = [Llama2cTokenizer.Bos, Llama2cTokenizer.Eos];

    // karpathy/llama2.c test_all.py @65c8993 expected_stdout: `./run stories260K.bin -z tok512.bin -t 0.0 -n 200`.
    private const string Llama2cExpected =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she " +
        "saw a big, red ball. She wanted to play with it, but it was too high.\n" +
        "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. She said, \"I " +
        "want to play with your ball, but I can't find it.\"\n" +
        "Lily was sad and didn't know what to do. She said, \"I'm sorry, Lily. I didn't know what to do.\"\n" +
        "Lily didn't want to help her mom, so she";

    [Fact]
    public void Generate_GreedyFromBos_MatchesReferenceFirst20Ids()
    {
        var ids = Generate(new GenerationConfig { MaxNewTokens = 20 });
        Assert.Equal([403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267,
                      337], ids);
    }

    [Fact]
    public void Generate_Greedy200FromBos_ReproducesLlama2cRunOutput()
    {
        var ids = Generate(new GenerationConfig { MaxNewTokens = 200 });
        var text = Encoding.ASCII.GetString(stories.Tokenizer.DecodeBytes(ids));
        Assert.Equal(200, ids.Count); // run.c -n 200 from BOS emits 200 tokens, no stop token on the way
        Assert.Equal(Llama2cExpected, text); // byte for byte, the whole expected string
    }

    [Fact]
    public void Generate_SameSeed_SameSample()
    {
        var cfg = new GenerationConfig { MaxNewTokens = 40, Temperature = 1.0, TopP = 0.9, Seed = 7 };
        Assert.Equal(Generate(cfg), Generate(cfg));
        Assert.NotEqual(Generate(cfg), Generate(cfg with { Seed = 8 }));
    }

    [Fact]
    public void Generate_TinyTopP_IsGreedy()
    {
        var greedy = Generate(new GenerationConfig { MaxNewTokens = 30 });
        Assert.Equal(greedy, Generate(new GenerationConfig { MaxNewTokens = 30, Temperature = 1.0, TopP = 1e-6,
                                                            Seed = 3 }));
    }

    private IReadOnlyList<int> Generate(GenerationConfig cfg) =>
        Generator.Generate(stories.Model, [Llama2cTokenizer.Bos], cfg, stories.Model.Config.MaxSeqLen, Stop);
}
