using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Sweeps;

public class SlurmScriptsTests
{
    static readonly ChildCommand Tool = new("/opt/loralab/loralab", []);

    [Fact]
    public void Array_Golden_ShardCountWrittenInAbsolutePathsPassThrough()
    {
        var script = SlurmScripts.Array("smoke", "/shared/sweeps/smoke", 4, 2, 1, Tool,
                                        ["#SBATCH --time=10", "--partition=gpu"]);
        Assert.Equal(File.ReadAllText(RepoPaths.Fixture("Sweeps/sweep.sbatch.golden")), script);
    }

    [Fact]
    public void Array_Packed_EachTaskRunsItsShardWithPack()
    {
        var script = SlurmScripts.Array("toy", "/d", 10, 1, 14, Tool, []);
        Assert.EndsWith("--shard \"$SLURM_ARRAY_TASK_ID/10\" --jobs 1 --threads 1 --pack 14\n", script);
    }

    [Fact]
    public void Merge_Golden()
    {
        var script = SlurmScripts.Merge("smoke", "/shared/sweeps/smoke",
                                        new ChildCommand("/usr/bin/dotnet", ["/opt/loralab/loralab.dll"]), []);
        Assert.Equal(File.ReadAllText(RepoPaths.Fixture("Sweeps/merge.sbatch.golden")), script);
    }

    [Fact]
    public void Submit_ChainsMergeWithAfterAny()
    {
        var script = SlurmScripts.Submit("/d");
        Assert.Contains("--dependency=afterany:${array%%;*} '/d/merge.sbatch'", script);
    }

    [Theory]
    [InlineData("partition=gpu")]
    [InlineData("")]
    [InlineData("#SBATCH --a\n#SBATCH --b")]
    public void Directive_NotAnOption_Rejected(string line) =>
        Assert.Throws<LoraLabException>(() => SlurmScripts.Directive(line));

    [Fact]
    public void Quote_SingleQuoteInside_Escaped() => Assert.Equal("'a'\\''b'", SlurmScripts.Quote("a'b"));
}
