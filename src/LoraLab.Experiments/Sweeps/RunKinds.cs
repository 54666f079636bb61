using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The registry of run kinds, a switch over the spec's <c>kind</c>. Tests add their own kinds with
/// <see cref="With"/>; the product knows only the real ones.
/// </summary>
public sealed class RunKinds
{
    readonly IReadOnlyDictionary<string, IRunKind> _extra;

    RunKinds(IReadOnlyDictionary<string, IRunKind> extra) => _extra = extra;

    public static RunKinds Default { get; } = new(new Dictionary<string, IRunKind>());

    public RunKinds With(IRunKind kind) =>
        new(new Dictionary<string, IRunKind>(_extra) { [kind.Name] = kind });

    public IRunKind Get(string name)
    {
        if (_extra.TryGetValue(name, out var kind)) return kind;
        return name switch
        {
            "toy" => Toy,
            "finetune" => Finetune,
            _ => throw new LoraLabException($"unknown sweep kind '{name}' (known: {string.Join(", ", Known)})",
                                            ExitCodes.Usage),
        };
    }

    static readonly ToyRunKind Toy = new();
    static readonly FinetuneRunKind Finetune = new();

    IEnumerable<string> Known => _extra.Keys.Append("toy").Append("finetune").Order(StringComparer.Ordinal);
}
