using System.Globalization;
using LoraLab.IO;

namespace LoraLab.Models.Mlp;

/// <summary>Sizes of an <see cref="MlpModel"/>, written on the command line as
/// <c>mlp:in=1024,hidden=1024,out=10</c>.</summary>
public sealed record MlpSpec(int In, int Hidden, int Out)
{
    public override string ToString() => $"mlp:in={In},hidden={Hidden},out={Out}";

    /// <summary>Parses <c>mlp:in=…,hidden=…,out=…</c>; every key is required, unknown keys are errors.</summary>
    public static MlpSpec Parse(string text)
    {
        const string prefix = "mlp:";
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
            throw new LoraLabException($"unknown model '{text}' (expected mlp:in=N,hidden=N,out=N)", ExitCodes.Usage);
        var values = new Dictionary<string, int>();
        foreach (var part in text[prefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || kv[0] is not ("in" or "hidden" or "out"))
                throw new LoraLabException($"model '{text}': unknown or malformed key '{part}'", ExitCodes.Usage);
            if (!int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new LoraLabException($"model '{text}': {kv[0]} must be a positive integer, got '{kv[1]}'",
                                           ExitCodes.Usage);
            values[kv[0]] = n;
        }
        foreach (var key in new[] { "in", "hidden", "out" })
            if (!values.ContainsKey(key))
                throw new LoraLabException($"model '{text}': missing '{key}='", ExitCodes.Usage);
        return new MlpSpec(values["in"], values["hidden"], values["out"]);
    }
}
