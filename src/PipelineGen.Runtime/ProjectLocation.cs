namespace PipelineGen.Runtime;

/// <summary>
/// Finds, at run time, the folder a pipeline's relative paths (data, <c>.pipelinegen/</c>) resolve against. Generated code
/// records only the spec's path relative to the project (<see cref="PipelineSettings.SpecPath"/>), never the build machine's
/// folder, so a copied <c>bin/</c> or a published app does not look for its files in a folder that does not exist.
/// </summary>
/// <remarks>
/// Order (the first that applies wins):
/// <list type="number">
/// <item>the <c>--project-dir</c> option, or the <see cref="EnvironmentVariable"/> environment variable: the project folder;</item>
/// <item>the working directory, when the spec is there at its project-relative path (<c>dotnet run</c>, the build's training step);</item>
/// <item>the program's folder and its parents, when one holds the spec (<c>bin/Debug/net10.0</c> run from anywhere);</item>
/// <item>otherwise the working directory (a published app: data paths resolve against the folder it is started in; models
/// fall back to the program's folder, see <see cref="Training.ModelStore.ModelPathForReading(PipelineSettings)"/>).</item>
/// </list>
/// The spec is found by name only: a folder holding another file of the same relative path is taken for the project.
/// </remarks>
internal static class ProjectLocation
{
    /// <summary>Environment variable naming the project folder (the folder of the .csproj the spec path is relative to).</summary>
    public const string EnvironmentVariable = "PIPELINEGEN_PROJECT_DIR";

    /// <summary>Where the project folder came from; shown by diagnostics and tests.</summary>
    public enum Source { Explicit, WorkingDirectory, ProgramFolder, Fallback }

    /// <summary>A resolution and the override it was made under (re-resolved when the override changes).</summary>
    public sealed record Resolved(string ProjectDirectory, string SpecDirectory, Source Source, string? Override)
    {
        internal bool IsCurrent => Override == CurrentOverride();
    }

    /// <summary>Resolves the project and spec folders for a spec path relative to the project (null: settings made by hand).</summary>
    public static Resolved Resolve(string? specPath) =>
        Resolve(specPath, CurrentOverride(), Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

    /// <summary>The resolution with its inputs given (tests).</summary>
    public static Resolved Resolve(string? specPath, string? overrideDirectory, string workingDirectory, string programDirectory)
    {
        var relative = (specPath ?? "").Replace('\\', '/').TrimStart('/');
        var specFolder = Path.GetDirectoryName(relative.Replace('/', Path.DirectorySeparatorChar)) ?? "";
        if (!string.IsNullOrWhiteSpace(overrideDirectory))
        {
            var project = Path.GetFullPath(overrideDirectory);
            return new Resolved(project, Path.GetFullPath(Path.Combine(project, specFolder)), Source.Explicit, overrideDirectory);
        }
        if (relative.Length > 0)
        {
            if (Holds(workingDirectory, relative))
                return Found(workingDirectory, specFolder, Source.WorkingDirectory);
            for (var dir = Path.GetFullPath(programDirectory); dir is not null; dir = Path.GetDirectoryName(dir))
                if (Holds(dir, relative)) return Found(dir, specFolder, Source.ProgramFolder);
        }
        return Found(workingDirectory, specFolder, Source.Fallback);
    }

    private static Resolved Found(string project, string specFolder, Source source)
    {
        var full = Path.GetFullPath(project);
        return new Resolved(full, Path.GetFullPath(Path.Combine(full, specFolder)), source, null);
    }

    private static bool Holds(string directory, string relativeSpecPath)
    {
        try { return File.Exists(Path.Combine(directory, relativeSpecPath.Replace('/', Path.DirectorySeparatorChar))); }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException) { return false; }
    }

    private static string? CurrentOverride()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
