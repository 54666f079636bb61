using LoraLab.IO;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training.Data;

public sealed class LabelMapTests
{
    [Fact]
    public void Build_IntegerLabels_NumericOrder()
    {
        var map = LabelMap.Build(["10", "2", "-1", "2"], [], "x");

        Assert.Equal(["-1", "2", "10"], map.Labels);           // not "-1","10","2" (ordinal)
        Assert.Equal(2, map.IndexOf("10"));
        Assert.Equal(-1, map.IndexOf("3"));
    }

    [Fact]
    public void Build_StringLabels_OrdinalOrder_ConfiguredOrderWins()
    {
        Assert.Equal(["neg", "pos"], LabelMap.Build(["pos", "neg"], [], "x").Labels);
        Assert.Equal(["pos", "neg"], LabelMap.Build(["pos", "neg"], ["pos", "neg"], "x").Labels);
    }

    [Fact]
    public void Build_OneClass_IsAnError()
    {
        var ex = Assert.Throws<LoraLabException>(() => LabelMap.Build(["a", "a"], [], "x.csv"));

        Assert.Equal("x.csv: classification needs at least 2 classes, found 1 (a)", ex.Message);
    }

    [Fact]
    public void SaveAndLoad_HfId2LabelForm()
    {
        using var dir = new TempDirectory();
        new LabelMap(["negative", "positive"]).Save(dir.Path);

        var text = File.ReadAllText(dir.File(LabelMap.FileName));
        var back = LabelMap.Load(dir.File(LabelMap.FileName));

        Assert.Contains("\"0\": \"negative\"", text);
        Assert.Contains("\"positive\": 1", text);
        Assert.Equal(["negative", "positive"], back.Labels);
    }

    [Fact]
    public void ReadClassification_StringAndIntegerLabels_EvalMappedThroughTrainMap()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("train.jsonl"),
            "{\"t\":\"a\",\"y\":\"pos\"}\n{\"t\":\"b\",\"y\":\"neg\"}\n{\"t\":\"c\",\"y\":\"pos\"}\n");
        File.WriteAllText(dir.File("eval.csv"), "t,y\nd,neg\ne,pos\nf,maybe\n");
        var spec = new DataSpec { TextColumn = "t", LabelColumn = "y", MaxBadFraction = 0.5 };

        var (train, eval, reports, labels) =
            UserDataLoader.ReadClassification(spec, dir.File("train.jsonl"), dir.File("eval.csv"));

        Assert.Equal(["neg", "pos"], labels.Labels);
        Assert.Equal([1, 0, 1], train.Select(e => e.Label));
        Assert.Equal([0, 1], eval.Select(e => e.Label));
        Assert.Equal(1, reports[1].BadRowCount);
        Assert.Equal(4, reports[1].FirstBadRows[0].Line);
        Assert.Equal("unknown label 'maybe' (classes: neg, pos)", reports[1].FirstBadRows[0].Reason);
        Assert.Equal(new Dictionary<string, int> { ["neg"] = 1, ["pos"] = 2 }, reports[0].LabelCounts);
    }

    [Fact]
    public void ReadClassification_NoEvalFile_SeededSplitOfTrain_PairColumn()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("x.csv"),
            ["a,b,label", .. Enumerable.Range(0, 20).Select(i => $"first {i},second {i},{i % 3}")]);
        var spec = new DataSpec { TextColumn = "a", TextPairColumn = "b", SplitSeed = 7 };

        var (train, eval, reports, labels) = UserDataLoader.ReadClassification(spec, dir.File("x.csv"), null);

        Assert.Equal(["0", "1", "2"], labels.Labels);
        Assert.Equal(16, train.Count);
        Assert.Equal(4, eval.Count);
        Assert.Empty(train.Select(e => e.Line).Intersect(eval.Select(e => e.Line)));
        Assert.All(train.Concat(eval), e => Assert.Equal(e.Text.Replace("first", "second"), e.Pair));
        var (_, split) = SeededSplit.Indices(20, 0.8, 7);
        Assert.Equal(split.Select(i => i + 2), eval.Select(e => e.Line));       // rows start on line 2
        Assert.Contains("seed 7", reports[1].Note);
    }
}
