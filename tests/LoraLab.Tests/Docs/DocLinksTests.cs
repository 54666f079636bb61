using System.Text.RegularExpressions;

namespace LoraLab.Tests.Docs;

/// <summary>Every reference in the docs and the code resolves inside the repository: relative markdown links in
/// README.md and docs/**/*.md, repository paths to markdown files named in code comments, and the reference notes
/// (feasibility, anchors, paper, distributed) cited by their path under docs/reference/.</summary>
public sealed partial class DocLinksTests
{
    static IEnumerable<string> MarkdownFiles() =>
        new[] { Path.Combine(RepoPaths.Root, "README.md") }.Concat(
            Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md", SearchOption.AllDirectories));

    /// <summary>Source, script and build files under the folders that hold them (build outputs left out).</summary>
    static IEnumerable<string> CodeFiles()
    {
        string[] roots = ["src", "tests", "tools", "benchmarks", "scripts"];
        string[] extensions = [".cs", ".py", ".sh", ".csproj", ".props", ".targets"];
        var topLevel = Directory.EnumerateFiles(RepoPaths.Root).Where(f => extensions.Contains(Path.GetExtension(f)));
        return roots.Select(r => Path.Combine(RepoPaths.Root, r)).Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Concat(topLevel);
    }

    static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path);

    /// <summary>Markdown without fenced code blocks and inline code, where link syntax is not a link.</summary>
    static string Prose(string markdown) => InlineCode().Replace(FencedCode().Replace(markdown, ""), "");

    [Fact]
    public void EveryRelativeMarkdownLink_Resolves()
    {
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var file in MarkdownFiles())
        {
            foreach (Match m in MarkdownLink().Matches(Prose(File.ReadAllText(file))))
            {
                var target = m.Groups["target"].Value;
                if (UriScheme().IsMatch(target) || target.StartsWith('#')) continue;
                var path = Uri.UnescapeDataString(target.Split('#')[0]);
                checkedLinks++;
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
                if (!File.Exists(full) && !Directory.Exists(full)) broken.Add($"{Relative(file)}: ({target})");
            }
        }
        Assert.True(checkedLinks > 20, $"only {checkedLinks} links found: is the pattern still right?");
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void RepositoryPathsToMarkdownInCode_Resolve()
    {
        var broken = CodeFiles()
            .SelectMany(file => MarkdownPath().Matches(File.ReadAllText(file))
                .Select(m => (File: file, Path: m.Value.TrimEnd('.', ','))))
            .Where(r => !File.Exists(Path.Combine(RepoPaths.Root, r.Path)))
            .Select(r => $"{Relative(r.File)}: {r.Path}")
            .ToList();
        Assert.True(broken.Count == 0, "paths to missing files:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void ReferenceNotes_AreCitedByTheirPathInTheRepository()
    {
        // A note cited by its bare name and a section points outside the repository; its path under
        // docs/reference/ (code) or a link to reference/NAME.md (docs) points inside it.
        var bare = CodeFiles().Concat(MarkdownFiles())
            .Where(f => !Relative(f).StartsWith(Path.Combine("docs", "reference"), StringComparison.Ordinal))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: file, Line: i + 1, Text: line)))
            .Where(l => BareCitation().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(bare.Count == 0, "citations without a path:\n" + string.Join("\n", bare));
    }

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"(?<![\w/.-])(?:docs|data)/[\w./-]+\.md\b")]
    private static partial Regex MarkdownPath();

    /// <summary>A reference note named with a section sign but not preceded by reference/ (its folder).</summary>
    [GeneratedRegex(@"(?<!reference/)(?<!\[)\b(?:feasibility|anchors|paper|distributed)(?:\.md)?(?:'s)? §")]
    private static partial Regex BareCitation();
}
