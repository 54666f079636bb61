namespace LoraLab.Tests.Docs;

/// <summary>Every C# line in src/, tests/ and benchmarks/ fits in the 120 columns .editorconfig sets
/// (max_line_length; issue 19 wrapped the ~1,000 that did not). Columns are characters, not UTF-8 bytes: σ, √ and ₀
/// count one each.</summary>
public sealed class LineLengthTests
{
    const int MaxColumns = 120;

    [Fact]
    public void CSharpLines_FitIn120Columns()
    {
        string[] roots = ["src", "tests", "benchmarks"];
        var files = roots.Select(r => Path.Combine(RepoPaths.Root, r)).Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .ToList();
        Assert.NotEmpty(files);
        var tooLong = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, line.Length)))
            .Where(l => l.Length > MaxColumns)
            .Select(l => $"{Path.GetRelativePath(RepoPaths.Root, l.File)}:{l.Line} ({l.Length} columns)")
            .ToList();
        Assert.True(tooLong.Count == 0,
            $"{tooLong.Count} line(s) over {MaxColumns} columns:\n" + string.Join("\n", tooLong.Take(20)));
    }
}
