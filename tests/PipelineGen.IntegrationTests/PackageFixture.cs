using System.Globalization;

namespace PipelineGen.IntegrationTests;

/// <summary>
/// Packs PipelineGen and PipelineGen.Runtime once for all tests, with a version unique to this run so the global
/// NuGet cache can never serve a stale build (and ML.NET etc. still come from the warm cache).
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        // xUnit runs the classes that share this fixture type (BuildIntegrationTests, OnnxBuildIntegrationTests) in
        // parallel, each with its own instance constructed at the same moment: time + PID alone gave both the same
        // version, hence the same Root, and the first Dispose deleted the feed the other class was still restoring
        // from (NU1301, DirectoryNotFound). A random part makes every instance's version, Root and feed its own.
        Version = "0.1.0-it" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            + "." + UniquePart();
        Root = Path.Combine(Path.GetTempPath(), "pg-integration", Version);
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        // Keep the repository's (or anyone's) Directory.Build.* files from reaching the test projects.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");

        using (RepositoryPackLock.Acquire(RepositoryRoot))
        {
            Pack("src/PipelineGen.Runtime/PipelineGen.Runtime.csproj");
            Pack("src/PipelineGen/PipelineGen.csproj");
            // ONNX export and the device predictor (OnnxBuildIntegrationTests); Export depends on Runtime and Predictor.
            Pack("src/PipelineGen.Predictor/PipelineGen.Predictor.csproj");
            Pack("src/PipelineGen.Export/PipelineGen.Export.csproj");
        }
    }

    /// <summary>
    /// Eight hex digits from a Guid, prefixed with a letter: a SemVer prerelease identifier that is alphanumeric, so it
    /// can never be a numeric identifier with a leading zero (invalid SemVer) whatever the digits are.
    /// </summary>
    internal static string UniquePart() => "r" + Guid.NewGuid().ToString("N")[..8];

    public string RepositoryRoot { get; }
    public string Version { get; }
    public string Root { get; }
    public string Feed { get; }

    private void Pack(string project)
    {
        CommandResult result = null!;
        // Other builds may hold the same obj/ files for a moment: one retry.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            result = DotnetCli.Run(RepositoryRoot, TimeSpan.FromMinutes(10),
                "pack", project, "-c", "Release", "-p:Version=" + Version, "-o", Feed, "-nodeReuse:false");
            if (result.ExitCode == 0) return;
        }
        throw new InvalidOperationException("Packing " + project + " failed:\n" + result.Tail());
    }

    /// <summary>A fresh project folder that restores PipelineGen from the temporary feed (plus the machine's default sources).</summary>
    public TestProject CreateProject(string name, bool train = false) => TestProject.Create(this, name, train);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PipelineGen.sln"))) return dir.FullName;
        throw new InvalidOperationException("PipelineGen.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        // Our unique versions would otherwise pile up in the global package cache.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "pipelinegen", "pipelinegen.runtime", "pipelinegen.predictor", "pipelinegen.export" })
            TryDelete(Path.Combine(cache, id, Version));
        TryDelete(Root);
    }

    private static void TryDelete(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// One pack of the repository at a time, across test classes and test processes. Each pack has its own version, so it
/// rebuilds the shared Release outputs (obj/, bin/, the ReadyToRun images crossgen2 writes): two at once could pack one
/// build's IL analyzers beside the other build's images, or read a file the other is writing. An exclusive lock on a
/// file under artifacts/ (.NET takes an advisory lock for FileShare.None on Unix, so other test processes wait too).
/// </summary>
internal static class RepositoryPackLock
{
    public static IDisposable Acquire(string repositoryRoot)
    {
        var directory = Path.Combine(repositoryRoot, "artifacts");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ".pack.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(45);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(500); }
        }
    }
}
