using LoraLab.Core.Adapters;
using LoraLab.IO;

namespace LoraLab.Tests.Core.Adapters;

public sealed class AdapterMismatchTests
{
    static Dictionary<string, long[]> Shapes(params (string Name, long[] Shape)[] items) =>
        items.ToDictionary(i => i.Name, i => i.Shape);

    [Fact]
    public void Compare_SameNamesAndShapes_Empty()
    {
        var a = Shapes(("x.lora_A.weight", [8, 64]), ("x.lora_B.weight", [64, 8]));

        var m = AdapterMismatch.Compare(a, Shapes(("x.lora_B.weight", [64, 8]), ("x.lora_A.weight", [8, 64])));

        Assert.True(m.IsEmpty);
        Assert.Equal("dir: tensors match", m.Summary("dir"));
        m.ThrowIfAny("dir");
    }

    [Fact]
    public void Compare_MissingUnexpectedAndShape_ListsEachSorted()
    {
        var expected = Shapes(("b.lora_A.weight", [8, 64]), ("a.lora_A.weight", [8, 64]), ("c.lora_B.weight", [64, 8]),
            ("s.lora_A.weight", []));
        var found = Shapes(("c.lora_B.weight", [64, 4]), ("z.lora_A.weight", [8, 64]), ("s.lora_A.weight", [1]));

        var m = AdapterMismatch.Compare(expected, found);

        Assert.Equal(["a.lora_A.weight", "b.lora_A.weight"], m.Missing);
        Assert.Equal(["z.lora_A.weight"], m.Unexpected);
        Assert.Equal(["c.lora_B.weight", "s.lora_A.weight"], m.ShapeMismatches.Select(s => s.Name));
        Assert.Equal("adapter: 2 missing (a.lora_A.weight, b.lora_A.weight), 1 unexpected (z.lora_A.weight), "
                     + "2 shape mismatches (c.lora_B.weight: expected [64,8], found [64,4], s.lora_A.weight: " +
                     "expected [], found [1])",
            m.Summary("adapter"));
    }

    [Fact]
    public void Summary_ManyMissing_ShowsThreeAndCount()
    {
        var expected = Enumerable.Range(0, 10).ToDictionary(i => $"m{i}", _ => new long[] { 1 });

        var m = AdapterMismatch.Compare(expected, new Dictionary<string, long[]>());

        Assert.Equal("a: 10 missing (m0, m1, m2, +7 more)", m.Summary("a"));
        var ex = Assert.Throws<LoraLabException>(() => m.ThrowIfAny("a"));
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }
}
