using System;

namespace PipelineGen.Generator;

/// <summary>
/// The spec's path relative to the project folder, which is what generated code records instead of the build machine's
/// absolute folder (so the generated text is the same wherever the project is checked out, and a copied or published
/// program does not look for its files in a folder that exists only on the build machine).
/// </summary>
public static class ProjectPaths
{
    /// <summary>
    /// <paramref name="specDirectory"/>/<paramref name="specFileName"/> relative to <paramref name="projectDirectory"/>,
    /// '/'-separated. A spec outside the project folder (or no project folder known) gives the file name alone: the
    /// runtime then looks for it beside the program and in the working directory.
    /// </summary>
    public static string SpecPathInProject(string projectDirectory, string specDirectory, string specFileName)
    {
        var project = Normalize(projectDirectory);
        var spec = Normalize(specDirectory);
        if (project.Length == 0) return specFileName;
        if (!project.EndsWith("/", StringComparison.Ordinal)) project += "/";
        if (!spec.EndsWith("/", StringComparison.Ordinal)) spec += "/";
        // File systems that ignore case (Windows, macOS) may spell the two paths differently; a prefix in any case is inside.
        if (!spec.StartsWith(project, StringComparison.OrdinalIgnoreCase)) return specFileName;
        return spec.Substring(project.Length) + specFileName;
    }

    private static string Normalize(string path) => (path ?? "").Trim().Replace('\\', '/');
}
