using System.Text;

namespace LoraLab.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content: a temp file in the same
/// folder (same filesystem), flushed to disk, then renamed over the target (atomic on POSIX, also on NFS).
/// A process killed mid-write leaves only a hidden <c>.NAME.GUID.tmp</c> file, which <see cref="RemoveStaleTemps"/>
/// deletes; a write that throws deletes its temp file itself. The one implementation of write-temp-then-rename.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    /// <summary>Creates <paramref name="path"/> (and its folder) from what <paramref name="write"/> puts in the
    /// stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string content) =>
        WriteAllBytes(path, new UTF8Encoding(false).GetBytes(content));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Deletes leftover temp files under <paramref name="directory"/> (recursively); returns how
    /// many.</summary>
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
