using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using LoraLab.IO;

namespace LoraLab.Models.Bert;

/// <summary>
/// Reads an embedded (manifest) resource straight out of a .NET assembly file with System.Reflection.Metadata,
/// without loading the assembly: its code (and its ONNX Runtime dependency) never enters the process.
/// ECMA-335 §II.24.2.4: a resource lives at CorHeader.ResourcesDirectory + offset as a 4-byte length and the bytes.
/// </summary>
internal static class ManifestResources
{
    /// <summary>The bytes of the one resource whose name ends with <paramref name="nameSuffix"/>.</summary>
    public static byte[] Read(string assemblyPath, string nameSuffix)
    {
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            var directory = pe.PEHeaders.CorHeader?.ResourcesDirectory
                            ?? throw new BadImageFormatException("not a .NET assembly");
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!resource.Implementation.IsNil || !metadata.GetString(resource.Name).EndsWith(nameSuffix))
                    continue;
                var reader = pe.GetSectionData(directory.RelativeVirtualAddress + (int)resource.Offset).GetReader();
                return reader.ReadBytes(reader.ReadInt32());
            }
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException
                                       or ArgumentOutOfRangeException or IOException)
        {
            throw new LoraLabException($"{assemblyPath}: cannot read embedded resources ({ex.Message})",
                ExitCodes.BadInput, ex);
        }
        throw new LoraLabException($"{assemblyPath}: no embedded resource named *{nameSuffix}");
    }
}
