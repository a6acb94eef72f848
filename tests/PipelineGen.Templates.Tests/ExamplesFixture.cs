using System.Globalization;
using PipelineGen.IntegrationTests;

namespace PipelineGen.Templates.Tests;

/// <summary>
/// A copy of examples/ (without bin, obj and .pipelinegen) in a temporary folder, built once with a single
/// 'dotnet build' of a solution listing every example. The copy builds PipelineGen from this repository's src/
/// (PipelineGenRepoRoot), and every report, model and run store it writes stays in the temporary folder.
/// </summary>
public sealed class ExamplesFixture : IDisposable
{
    public static readonly string[] Examples = ["Titanic", "Penguins", "WineQuality", "TaxiFares", "ReviewSentiment", "CreditRisk"];

    public ExamplesFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Root = Path.Combine(Path.GetTempPath(), "pg-examples", DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        ExamplesDirectory = Path.Combine(Root, "examples");
        CopyExamples(Path.Combine(RepositoryRoot, "examples"), ExamplesDirectory);

        var solution = Path.Combine(ExamplesDirectory, "examples.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(Examples.Select(e => $"  <Project Path=\"{e}/{e}.csproj\" />\n")) + "</Solution>\n");

        // Another build of src/ at the same moment (other test projects) can hold a file for a moment: one retry.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            BuildResult = DotnetCli.Run(ExamplesDirectory, TimeSpan.FromMinutes(8),
                "build", solution, "-nodeReuse:false", "-p:PipelineGenRepoRoot=" + RepositoryRoot + Path.DirectorySeparatorChar);
            if (BuildResult.ExitCode == 0) break;
        }
    }

    public string RepositoryRoot { get; }
    public string Root { get; }
    public string ExamplesDirectory { get; }
    public CommandResult BuildResult { get; } = null!;

    public string ExampleDirectory(string example) => Path.Combine(ExamplesDirectory, example);

    /// <summary>Runs the built example's program in its folder, as 'dotnet run --no-build -- args' would.</summary>
    public CommandResult Run(string example, params string[] args) => Run(example, TimeSpan.FromMinutes(5), args);

    /// <summary>
    /// As <see cref="Run(string, string[])"/> with a longer limit for a workflow whose wall time scales with the machine's
    /// load (a 30-trial study): the limit catches a hang, it does not time the product.
    /// </summary>
    public CommandResult Run(string example, TimeSpan limit, params string[] args)
    {
        Assert.True(BuildResult.ExitCode == 0, "building the examples failed:\n" + BuildResult.Tail());
        var directory = ExampleDirectory(example);
        return DotnetCli.Run(directory, limit, [Path.Combine(directory, "bin", "Debug", "net10.0", example + ".dll"), .. args]);
    }

    private static void CopyExamples(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj" or ".pipelinegen") continue;
            CopyExamples(directory, Path.Combine(to, name));
        }
    }

    internal static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PipelineGen.sln"))) return dir.FullName;
        throw new InvalidOperationException("PipelineGen.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ExamplesCollection : ICollectionFixture<ExamplesFixture>
{
    public const string Name = "examples";
}
