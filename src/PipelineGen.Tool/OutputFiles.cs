using System.Text;

namespace PipelineGen.Tool;

/// <summary>Writes files so that readers never see half a file, and so an unchanged file keeps its timestamp.</summary>
internal static class OutputFiles
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="content"/> unless the file already holds exactly that. Returns whether it wrote.</summary>
    /// <remarks>The schema is a compiler input: rewriting identical bytes would make the compiler run again for nothing.</remarks>
    public static bool WriteIfChanged(string path, string content)
    {
        try
        {
            if (File.Exists(path) && File.ReadAllText(path, Utf8NoBom) == content) return false;
        }
        catch (IOException)
        {
            // Unreadable old file: replace it.
        }
        WriteAtomically(path, content);
        return true;
    }

    /// <summary>Writes to a temporary file in the same folder and renames it over the target (a rename is atomic).</summary>
    /// <exception cref="OutputNotWritableException">The folder or file cannot be written (disk full, read-only, permission denied).</exception>
    public static void WriteAtomically(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Environment.ProcessId + ".tmp");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(temporary, content, Utf8NoBom);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A half-written temporary file (disk full) must not stay behind; the old target, if any, is untouched.
            throw new OutputNotWritableException(path, e);
        }
        finally
        {
            try
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Read-only folder: there is no temporary file to remove.
            }
        }
    }
}

/// <summary>An output file (schema, .deps) could not be written: reported as PG0134 naming the path, never as a stack trace.</summary>
internal sealed class OutputNotWritableException(string path, Exception inner)
    : IOException($"Cannot write '{path}': {inner.Message}", inner)
{
    public string Path { get; } = path;
}
