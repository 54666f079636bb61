using System.Text.Json;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.Models.Tokenizers;
using LoraLab.Training.Data;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

namespace LoraLab.Tests.Cli;

/// <summary>
/// RoBERTa classification from a Hugging Face folder (Fixtures/hf/roberta, a tiny RobertaForSequenceClassification):
/// the pair encoding against Hugging Face's own tokenizers library, and `finetune --model FOLDER --task classify`
/// end to end — it learns, writes a SEQ_CLS adapter with HF's module names, and `eval` reproduces its metrics.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FinetuneRobertaTests
{
    static readonly string Folder = RepoPaths.Fixture(Path.Combine("hf", "roberta"));

    [Fact]
    public void PairTokenizer_MatchesHuggingFaceRobertaProcessing()
    {
        var ours = new RobertaPairTokenizer(ByteLevelBpeFiles.Load(Folder), Folder);
        var hf = new HfTokenizer(vocabPath: Path.Combine(Folder, "tokenizer.json"));
        int[] Hf(string text) => hf.Encode(text).Select(i => (int)i).ToArray(); // <s> … </s> (RobertaProcessing)

        var single = ours.Encode("Once upon a time, Lily saw a ball.", null, 64);
        Assert.Equal(Hf("Once upon a time, Lily saw a ball."), single.InputIds);
        Assert.All(single.TokenTypeIds, t => Assert.Equal(0, t));

        // RobertaProcessing's pair template: <s> A </s></s> B </s> (the Rust library's pair API is not exposed here).
        var pair = ours.Encode("A ball.", "Lily saw it", 64);
        Assert.Equal([.. Hf("A ball."), 2, .. Hf("Lily saw it")[1..]], pair.InputIds);
        Assert.Equal(1, ours.PadId);
    }

    [Fact]
    public void PairTokenizer_TruncatesLongestFirst()
    {
        var ours = new RobertaPairTokenizer(ByteLevelBpeFiles.Load(Folder), Folder);
        var bpe = ByteLevelBpeFiles.Load(Folder);
        var (a, b) = ("Once upon a time, Lily saw a ball.", "A ball.");
        var (na, nb) = (bpe.Encode(a).Count, bpe.Encode(b).Count);
        Assert.True(na > nb + 2);

        var encoded = ours.Encode(a, b, nb + 1 + nb + 4).InputIds; // only the longer side is cut: a to nb + 1
        Assert.Equal(nb + 1 + nb + 4, encoded.Length);
        Assert.Equal([0, .. bpe.Encode(a).Take(nb + 1), 2, 2, .. bpe.Encode(b), 2], encoded);
        Assert.Throws<LoraLabException>(() => ours.Encode(a, b, 4));
    }

    [Fact]
    public void Classify_RobertaFolder_LearnsWritesSeqClsAdapter_EvalReproduces()
    {
        var dir = CliTester.TempDir();
        var data = Path.Combine(dir, "reviews.csv");
        File.WriteAllLines(data, ["text,label", .. Enumerable.Range(0, 48).Select(i => i % 2 == 0
            ? $"\"Lily saw a ball, {i}\",yes" : $"\"Once upon a time {i}\",no")]);

        var run = CliTester.Run("finetune", "--model", Folder, "--data", data, "--task", "classify",
            "--text-column", "text", "--label-column", "label", "--steps", "30", "--batch-size", "8", "--lr", "1e-2",
            "--max-seq-len", "32", "--out", Path.Combine(dir, "run"));

        Assert.True(run.ExitCode == 0, run.Error);
        var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "run", "result.json"))).RootElement;
        double Loss(string which) => result.GetProperty(which).GetProperty("loss").GetDouble();
        Assert.True(Loss("final_metrics") < 0.5 * Loss("initial_metrics"), run.Error);

        var adapter = PeftAdapter.Read(Path.Combine(dir, "run", "adapter"));
        Assert.Equal("SEQ_CLS", adapter.Config.TaskType);
        Assert.Equal(["classifier"], adapter.Config.ModulesToSave);
        Assert.Contains("base_model.model.roberta.encoder.layer.1.attention.self.value.lora_B.weight",
                        adapter.Tensors.Keys);

        var eval = CliTester.Run("eval", "--adapter", Path.Combine(dir, "run", "adapter"), "--baseline", "base",
                                 "--out", Path.Combine(dir, "eval"));
        Assert.True(eval.ExitCode == 0, eval.Error);
        var scored = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval", "eval.json"))).RootElement;
        double Accuracy(JsonElement e, params string[] path) =>
            path.Aggregate(e, (n, key) => n.GetProperty(key)).GetProperty("accuracy").GetDouble();
        Assert.Equal(Accuracy(result, "final_metrics"), Accuracy(scored, "candidate", "metrics"), 6);
        Assert.Equal(Accuracy(result, "initial_metrics"), Accuracy(scored, "baseline", "metrics"), 6);
    }

    [Fact]
    public void Classify_MaxSeqLenBeyondPositions_ExitsUsage()
    {
        var dir = CliTester.TempDir();
        File.WriteAllLines(Path.Combine(dir, "d.csv"), ["text,label", "a,x", "b,y", "c,x", "d,y"]);

        var run = CliTester.Run("finetune", "--model", Folder, "--data", Path.Combine(dir, "d.csv"), "--task",
            "classify", "--steps", "1", "--max-seq-len", "128", "--out", Path.Combine(dir, "run"));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("max_seq_len 128 exceeds", run.Error);
    }
}
