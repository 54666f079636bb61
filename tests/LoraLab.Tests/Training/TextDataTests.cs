using LoraLab.IO;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training;

public sealed class TextDataTests
{
    /// <summary>One id per character (a = 10, b = 11, ...), BOS 1, EOS 2.</summary>
    sealed class CharTokenizer : ITextTokenizer
    {
        public int[] Encode(string text) => text.Select(c => (int)c - 'a' + 10).ToArray();
        public int? BosId => 1;
        public int? EosId => 2;
        public int VocabSize => 40;
        public int? TokenId(string token) => null;
    }

    [Fact]
    public void Documents_SplitAtBlankLines()
    {
        Assert.Equal(["a b\nc", "d"], TextCorpus.Documents(" \na b \nc\n \n\nd\n"));
    }

    [Fact]
    public void Blocks_ShiftedTargets_NonOverlapping_PartialDropped()
    {
        var stream = Enumerable.Range(0, 10).ToList();

        var blocks = TextCorpus.Blocks(stream, 4);

        Assert.Equal(2, blocks.Count);                                  // windows [0..4], [4..8]; 8, 9 dropped
        Assert.Equal([0, 1, 2, 3], blocks[0].InputIds);
        Assert.Equal([1, 2, 3, 4], blocks[0].Targets);
        Assert.Equal([4, 5, 6, 7], blocks[1].InputIds);
    }

    [Fact]
    public void Tokenize_BosBeforeEachDocument()
    {
        Assert.Equal([1, 10, 11, 1, 12], TextCorpus.Tokenize(["ab", "c"], new CharTokenizer()));
    }

    [Fact]
    public void SplitAt_CutsAtNextNewline()
    {
        var (head, tail) = TextCorpus.SplitAt("aaaa\nbbbb\ncccc\n", 0.5);

        Assert.Equal("aaaa\nbbbb\n", head);
        Assert.Equal("cccc\n", tail);
    }

    [Fact]
    public void PromptAnswer_LossOnlyOnAnswerAndEos()
    {
        var example = PromptAnswerReader.Encode("ab", "cd", new CharTokenizer(), maxLength: 100);

        // sequence BOS a b c d EOS; inputs drop the last, targets are the next token where it is c, d or EOS
        Assert.Equal([1, 10, 11, 12, 13], example.InputIds);
        Assert.Equal([-100, -100, 12, 13, 2], example.Targets);
        Assert.Equal(3, example.LossTokens);
    }

    [Fact]
    public void PromptAnswer_Truncated_KeepsMaskAligned()
    {
        var example = PromptAnswerReader.Encode("ab", "cd", new CharTokenizer(), maxLength: 3);

        Assert.Equal([1, 10, 11], example.InputIds);
        Assert.Equal([-100, -100, 12], example.Targets);
    }

    [Fact]
    public void ReadGsm8k_CountsMatchSources()
    {
        var (train, _) = PromptAnswerReader.Read(RepoPaths.Data("gsm8k/train.jsonl"), BadRowPolicy.Error);
        var (test, _) = PromptAnswerReader.Read(RepoPaths.Data("gsm8k/test.jsonl"), BadRowPolicy.Error);

        Assert.Equal(7473, train.Count);
        Assert.Equal(1319, test.Count);
        Assert.StartsWith("Question: ", train[0].Prompt);
        Assert.Contains("####", train[0].Answer);
    }

    [Fact]
    public void ReadJsonl_BadLines_ReportedWithLineNumbers()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.jsonl"), "{\"question\":\"q\",\"answer\":\"a\"}\n{oops\n{\"question\":\"q\"}\n");

        var (pairs, report) = PromptAnswerReader.Read(dir.File("x.jsonl"), BadRowPolicy.Skip);
        var ex = Assert.Throws<LoraLabException>(
            () => PromptAnswerReader.Read(dir.File("x.jsonl"), BadRowPolicy.Error));

        Assert.Single(pairs);
        Assert.Equal([2, 3], report.FirstBadRows.Select(r => r.Line));
        Assert.Contains("missing string 'answer'", report.FirstBadRows[1].Reason);
        Assert.Contains("x.jsonl:2: malformed JSON", ex.Message);
    }
}
