using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LoraLab.Tests.Docs;

/// <summary>docs/architecture.md's machine-readable block of project references is the one the .csproj files
/// declare: adding, removing or redirecting a ProjectReference without updating the map (or the reverse)
/// fails.</summary>
public sealed partial class DocsArchitectureTests
{
    static Dictionary<string, SortedSet<string>> Documented()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var block = ReferencesBlock().Match(text);
        Assert.True(block.Success, "docs/architecture.md has no ```project-references block");
        var map = new Dictionary<string, SortedSet<string>>();
        foreach (var line in block.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split("->", StringSplitOptions.TrimEntries);
            Assert.True(parts.Length == 2, $"bad line in the project-references block: '{line}'");
            Assert.True(map.TryAdd(parts[0], new SortedSet<string>(
                parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                StringComparer.Ordinal)), $"{parts[0]} listed twice");
        }
        return map;
    }

    static Dictionary<string, SortedSet<string>> Declared() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .ToDictionary(
                path => Path.GetFileNameWithoutExtension(path),
                path => new SortedSet<string>(XDocument.Load(path).Descendants("ProjectReference")
                    .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)),
                    StringComparer.Ordinal));

    [Fact]
    public void ProjectReferences_MatchTheArchitecturePage()
    {
        var documented = Documented();
        var declared = Declared();

        Assert.Equal(declared.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (project, references) in declared)
            Assert.True(references.SetEquals(documented[project]),
                $"{project}: the .csproj references [{string.Join(", ", references)}], docs/architecture.md says " +
                $"[{string.Join(", ", documented[project])}]");
    }

    [Fact]
    public void ProjectReferences_PointOneWay()
    {
        // No cycle: following the arrows from any project never comes back to it.
        var graph = Declared();
        foreach (var start in graph.Keys)
        {
            var seen = new HashSet<string>();
            var stack = new Stack<string>(graph[start]);
            while (stack.Count > 0)
            {
                var next = stack.Pop();
                Assert.NotEqual(start, next);
                if (seen.Add(next) && graph.TryGetValue(next, out var onward))
                    foreach (var n in onward) stack.Push(n);
            }
        }
    }

    [Theory]
    [InlineData("LoraLab.Models", "LoraLab.Core")]     // models carry no LoRA: merge/apply live in Training
    [InlineData("LoraLab.IO", "LoraLab.Core")]         // files know nothing of LoRA
    [InlineData("LoraLab.Core", "LoraLab.Models")]     // LoRA works on any module tree
    public void Project_DoesNotReach(string from, string to)
    {
        var graph = Declared();
        var seen = new HashSet<string>();
        var stack = new Stack<string>(graph[from]);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            Assert.NotEqual(to, next);
            if (seen.Add(next) && graph.TryGetValue(next, out var onward))
                foreach (var n in onward) stack.Push(n);
        }
    }

    [Fact]
    public void PublicTypes_MatchTheArchitecturePage()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var block = PublicTypesBlock().Match(text);
        Assert.True(block.Success, "docs/architecture.md has no ```public-types block");
        // "Project: A, B," lines, continued on indented lines.
        var documented = new Dictionary<string, SortedSet<string>>();
        var project = "";
        foreach (var line in block.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var names = line;
            if (!line.StartsWith(' '))
            {
                var colon = line.IndexOf(':');
                project = line[..colon];
                names = line[(colon + 1)..];
                documented[project] = new SortedSet<string>(StringComparer.Ordinal);
            }
            foreach (var name in names.Split(',',
                                             StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                documented[project].Add(name);
        }

        foreach (var (name, types) in documented)
        {
            var assembly = System.Reflection.Assembly.Load(name == "LoraLab.Cli" ? "loralab" : name);
            var exported = new SortedSet<string>(
                assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.Name.Split('`')[0]),
                StringComparer.Ordinal);
            Assert.True(exported.SetEquals(types),
                $"{name}: public but not listed [{string.Join(", ", exported.Except(types))}], " +
                $"listed but not public [{string.Join(", ", types.Except(exported))}]");
        }
        Assert.Equal(Declared().Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"```public-types\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex PublicTypesBlock();

    [GeneratedRegex(@"```project-references\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReferencesBlock();
}
