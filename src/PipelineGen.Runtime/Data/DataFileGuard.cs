using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// Checks a data path before anything opens it, at run time as the build tool does at build time: a path with a NUL or
/// another control character, a directory, a device (<c>/dev/zero</c> never ends) or a named pipe (opening it blocks
/// until someone writes) is bad input (exit code 2) with a message that says what to do, never a hang or a crash.
/// </summary>
internal static class DataFileGuard
{
    /// <summary>Throws <see cref="DataValidationException"/> when <paramref name="path"/> cannot be a path at all.</summary>
    public static void CheckPathText(string? path, string what = "data file")
    {
        if (SafeText.PathProblem(path) is { } problem)
            throw new DataValidationException($"The {what} path '{SafeText.Escape(path, 200)}' {problem}. Fix: write the path without it (in the spec or the command-line option).", []);
    }

    /// <summary>
    /// The full path of <paramref name="path"/> when it names an existing regular file; throws
    /// <see cref="DataValidationException"/> otherwise (not found, a directory, a device, a pipe, an invalid path).
    /// </summary>
    public static string CheckReadable(string path, string what = "data file")
    {
        CheckPathText(path, what);
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new DataValidationException($"The {what} path '{SafeText.Escape(path, 200)}' is not a valid path ({e.Message}). Fix the path.", []);
        }
        if (DataFileCheck.KindOf(full) == DataFileKind.Missing)
            throw new DataValidationException($"The {what} '{SafeText.Escape(full, 200)}' does not exist. Fix: pass --data with an existing file, or correct the path in the spec.", []);
        if (DataFileCheck.Problem(full) is { } problem)
            throw new DataValidationException($"The {what} '{SafeText.Escape(full, 200)}' cannot be read: {problem}.", []);
        return full;
    }
}
