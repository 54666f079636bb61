using System.Text;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content: a temp file in the same
/// folder (same filesystem), flushed to disk, then renamed over the target (atomic on POSIX, also on NFS).
/// A process killed mid-write leaves only a <c>*.tmp</c> file, which <see cref="RemoveStaleTemps"/> deletes.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void WriteAllText(string path, string content)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new UTF8Encoding(false).GetBytes(content);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Deletes leftover temp files under <paramref name="directory"/> (recursively); returns how many.</summary>
    public static int RemoveStaleTemps(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int n = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*" + TempSuffix, SearchOption.AllDirectories))
        {
            try { File.Delete(file); n++; }
            catch (IOException) { }
        }
        return n;
    }
}
