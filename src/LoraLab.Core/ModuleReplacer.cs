using System.Reflection;
using LoraLab.IO;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using Module = TorchSharp.torch.nn.Module;

namespace LoraLab.Core;

/// <summary>
/// Swaps one submodule of a TorchSharp module tree for another (PyTorch's <c>setattr(parent, name, new)</c>).
/// TorchSharp modules call their children through fields, so both the parent's registration and the field that
/// holds the child are repointed; that field must be typed <c>Module&lt;Tensor, Tensor&gt;</c> (or a base of the
/// replacement) to accept it. Children of a <c>ModuleList</c> are replaced by index.
/// </summary>
public static class ModuleReplacer
{
    public static void Replace(Module root, string path, Module old, Module<Tensor, Tensor> replacement)
    {
        var dot = path.LastIndexOf('.');
        var parent = dot < 0 ? root : Resolve(root, path[..dot]);
        var name = path[(dot + 1)..];
        if (parent is IList<Module<Tensor, Tensor>> list)
        {
            list[int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)] = replacement;
        }
        else
        {
            var field = FindField(parent, old) ?? throw new LoraLabException(
                $"cannot replace '{path}': no field of {parent.GetType().Name} holds it", ExitCodes.Usage);
            if (!field.FieldType.IsInstanceOfType(replacement))
                throw new LoraLabException(
                    $"cannot replace '{path}': field {parent.GetType().Name}.{field.Name} is typed " +
                    $"{field.FieldType.Name}; declare it as Module<Tensor, Tensor> to allow LoRA", ExitCodes.Usage);
            field.SetValue(parent, replacement);
        }
        // a null module unregisters the old child (TorchSharp Module.register_module)
        parent.register_module(name, null!);
        parent.register_module(name, replacement);
    }

    /// <summary>The module at a dotted path.</summary>
    public static Module Resolve(Module root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
            node = node.named_children().FirstOrDefault(c => c.name == part).module
                   ?? throw new LoraLabException($"no module '{part}' in '{path}'", ExitCodes.Usage);
        return node;
    }

    static FieldInfo? FindField(Module parent, Module child)
    {
        for (var type = parent.GetType(); type is not null && type != typeof(Module); type = type.BaseType)
        {
            var field = type.GetFields(
                BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .FirstOrDefault(f => ReferenceEquals(f.GetValue(parent), child));
            if (field is not null) return field;
        }
        return null;
    }
}
