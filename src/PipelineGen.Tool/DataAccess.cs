using PipelineGen.Shared;
using PipelineGen.Spec;
using PipelineGen.Spec.Model;

namespace PipelineGen.Tool;

/// <summary>What the build may read: the project folder, and whether data outside it is a warning or an error.</summary>
/// <param name="ProjectDirectory">The project's folder (MSBuild's <c>MSBuildProjectDirectory</c>); null: no folder check.</param>
/// <param name="OutsideIsError">True (<c>PipelineGenAllowDataOutsideProject=false</c>): data outside the folder is an error and is not read.</param>
/// <param name="OutsideIsSilent">True (<c>PipelineGenAllowDataOutsideProject=true</c>): data outside the folder is accepted without a warning.</param>
internal sealed record DataAccessPolicy(string? ProjectDirectory = null, bool OutsideIsError = false, bool OutsideIsSilent = false)
{
    public static readonly DataAccessPolicy Unrestricted = new();

    /// <summary>
    /// Checks one data path of a spec before anything opens it. Adds diagnostics located at the spec's path value and
    /// returns the full path to read, or null when the file must not be read (an invalid path, a special file, data
    /// outside the project when that is an error). A missing file returns its full path (the caller reports PG0301).
    /// </summary>
    public string? Check(string specPath, Spanned<string> pathNode, string specDirectory, List<DiagnosticInfo> diagnostics)
    {
        var written = pathNode.Value;
        if (SafeText.PathProblem(written) is { } problem)
        {
            diagnostics.Add(SpecDiagnostics.InvalidDataPath.Create(specPath, pathNode.Span, SafeText.Escape(written, 200), problem));
            return null;
        }
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(Path.Combine(specDirectory, written));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            diagnostics.Add(SpecDiagnostics.InvalidDataPath.Create(specPath, pathNode.Span, SafeText.Escape(written, 200), "is not a valid path (" + e.Message + ")"));
            return null;
        }

        if (ProjectDirectory is not null && !OutsideIsSilent)
        {
            var target = FinalTarget(fullPath);
            if (!IsInside(target, ProjectDirectory))
            {
                var diagnostic = SpecDiagnostics.DataOutsideProject.Create(specPath, pathNode.Span, SafeText.Escape(written, 200), SafeText.Escape(target, 200), SafeText.Escape(Path.GetFullPath(ProjectDirectory), 200));
                diagnostics.Add(OutsideIsError ? diagnostic with { Severity = Severity.Error } : diagnostic);
                if (OutsideIsError) return null;
            }
        }

        if (DataFileCheck.Problem(fullPath) is { } kindProblem)
        {
            diagnostics.Add(SpecDiagnostics.DataPathNotAFile.Create(specPath, pathNode.Span, SafeText.Escape(written, 200), SafeText.Escape(fullPath, 200), kindProblem));
            return null;
        }
        return fullPath;
    }

    /// <summary>The path with every symbolic link on the way resolved, so a link inside the project to <c>/etc</c> counts as outside.</summary>
    internal static string FinalTarget(string fullPath)
    {
        try
        {
            // Resolve the folders first (a linked folder), then the file itself.
            var directory = Path.GetDirectoryName(fullPath);
            var resolvedDirectory = directory is null ? null : ResolveDirectory(directory);
            var path = resolvedDirectory is null ? fullPath : Path.Combine(resolvedDirectory, Path.GetFileName(fullPath));
            var file = new FileInfo(path);
            if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                return target.FullName;
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return fullPath;
        }
    }

    private static string ResolveDirectory(string directory)
    {
        var info = new DirectoryInfo(directory);
        var parent = info.Parent is null ? null : ResolveDirectory(info.Parent.FullName);
        var here = parent is null ? info.FullName : Path.Combine(parent, info.Name);
        var current = new DirectoryInfo(here);
        if (current.Exists && current.LinkTarget is not null && current.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            return target.FullName;
        return here;
    }

    internal static bool IsInside(string fullPath, string directory)
    {
        var root = Path.TrimEndingDirectorySeparator(FinalDirectory(directory));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return fullPath.StartsWith(root + Path.DirectorySeparatorChar, comparison) || string.Equals(fullPath, root, comparison);
    }

    private static string FinalDirectory(string directory)
    {
        try { return ResolveDirectory(Path.GetFullPath(directory)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return Path.GetFullPath(directory); }
    }
}
