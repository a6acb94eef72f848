namespace PipelineGen.Runtime.Training;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one, never a partial file: the content
/// goes to a temporary file in the same directory (same volume, so the rename is atomic), which then replaces the target.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var pending = Create(path);
        write(pending.Stream);
        pending.Commit();
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>
    /// Opens the temporary file for content written over a longer time (e.g. split by split during an evaluation):
    /// <see cref="Pending.Commit"/> puts it in place; disposing without committing deletes it, so a failure part-way
    /// leaves the old file (or none).
    /// </summary>
    public static Pending Create(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        return new Pending(fullPath, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None));
    }

    /// <summary>A file being written: its content goes to <see cref="Stream"/> until <see cref="Commit"/>.</summary>
    internal sealed class Pending(string path, string temp, FileStream stream) : IDisposable
    {
        private bool _done;

        public Stream Stream => stream;

        public void Commit()
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            File.Move(temp, path, overwrite: true);
            _done = true;
        }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            stream.Dispose();
            TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: a leftover temp file is harmless and clearly named */ }
        catch (UnauthorizedAccessException) { }
    }
}
