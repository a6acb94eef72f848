using PipelineGen.IntegrationTests;

namespace PipelineGen.Templates.Tests;

/// <summary>
/// PipelineGen and PipelineGen.Runtime packed by the integration tests' <see cref="PackageFixture"/> (temporary feed,
/// version unique to this run), PipelineGen.Serving (for the web API template) and PipelineGen.Templates packed with the same version into the same feed, and installed
/// into a private template hive (--debug:custom-hive) so the machine's own 'dotnet new' state is never touched.
/// A nuget.config beside the instantiated projects adds the feed (the machine's default sources stay).
/// </summary>
public sealed class TemplatePackagesFixture : IDisposable
{
    private readonly PackageFixture packages = new();

    public TemplatePackagesFixture()
    {
        Hive = Path.Combine(packages.Root, "template-hive");
        ProjectsRoot = Path.Combine(packages.Root, "projects");
        Directory.CreateDirectory(ProjectsRoot);
        // PackageFixture shields packages.Root from any Directory.Build.* above it; the projects live below it.
        File.WriteAllText(Path.Combine(ProjectsRoot, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="pipelinegen-under-test" value="{packages.Feed}" />
              </packageSources>
            </configuration>
            """);

        // The web API template references PipelineGen.Serving, which the integration tests do not need: packed here only.
        using var packLock = RepositoryPackLock.Acquire(packages.RepositoryRoot);
        var serving = DotnetCli.Run(packages.RepositoryRoot, TimeSpan.FromMinutes(10),
            "pack", "src/PipelineGen.Serving/PipelineGen.Serving.csproj", "-c", "Release", "-p:Version=" + Version, "-o", packages.Feed, "-nodeReuse:false");
        if (serving.ExitCode != 0) throw new InvalidOperationException("Packing PipelineGen.Serving failed:\n" + serving.Tail());

        var pack = DotnetCli.Run(packages.RepositoryRoot, TimeSpan.FromMinutes(5),
            "pack", "templates/PipelineGen.Templates.csproj", "-c", "Release", "-p:Version=" + Version, "-o", packages.Feed, "-nodeReuse:false");
        if (pack.ExitCode != 0) throw new InvalidOperationException("Packing the templates failed:\n" + pack.Tail());
        TemplatePackage = Path.Combine(packages.Feed, $"PipelineGen.Templates.{Version}.nupkg");

        InstallResult = DotnetNew(packages.Root, "install", TemplatePackage);
    }

    public string Version => packages.Version;
    public string Hive { get; }
    public string ProjectsRoot { get; }
    public string TemplatePackage { get; }
    public CommandResult InstallResult { get; }

    /// <summary>'dotnet new ...' against the private hive.</summary>
    public CommandResult DotnetNew(string workingDirectory, params string[] args) =>
        DotnetCli.Run(workingDirectory, TimeSpan.FromMinutes(5), ["new", .. args, "--debug:custom-hive", Hive]);

    public void Dispose()
    {
        DotnetNew(packages.Root, "uninstall", "PipelineGen.Templates");
        // Our unique version would otherwise stay in the global package cache (PackageFixture removes its own two).
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        try { Directory.Delete(Path.Combine(cache, "pipelinegen.serving", Version), recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        packages.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TemplateCollection : ICollectionFixture<TemplatePackagesFixture>
{
    public const string Name = "template";
}
