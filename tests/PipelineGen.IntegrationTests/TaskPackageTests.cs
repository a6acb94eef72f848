using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace PipelineGen.IntegrationTests;

/// <summary>
/// Packs only the PipelineGen package (no runtime, no projects built from it) for <see cref="TaskPackageTests"/>:
/// those tests read the .nupkg and evaluate its targets, they never restore it.
/// </summary>
public sealed class TaskPackageFixture : IDisposable
{
    public TaskPackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        // Unique per instance, not just per second and process: fixture instances of parallel classes are made at the
        // same moment, and a shared Root would be deleted under the other's feet by the first Dispose (PackageFixture).
        var version = "0.1.0-tp" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            + "." + PackageFixture.UniquePart();
        Root = Path.Combine(Path.GetTempPath(), "pg-task-package", version);
        var feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(feed);
        // PIPELINEGEN_PACK_NO_BUILD=1: pack the Release outputs already built (a quicker local rerun; CI builds).
        var noBuild = Environment.GetEnvironmentVariable("PIPELINEGEN_PACK_NO_BUILD") == "1";
        CommandResult result;
        using (RepositoryPackLock.Acquire(RepositoryRoot))
            result = DotnetCli.Run(RepositoryRoot, TimeSpan.FromMinutes(30),
                ["pack", "src/PipelineGen/PipelineGen.csproj", "-c", "Release", "-p:Version=" + version, "-o", feed, "-nodeReuse:false", .. (noBuild ? new[] { "--no-build" } : [])]);
        if (result.ExitCode != 0) throw new InvalidOperationException("Packing PipelineGen failed:\n" + result.Tail());
        Package = Path.Combine(feed, "PipelineGen." + version + ".nupkg");
        Extracted = Path.Combine(Root, "package");
        ZipFile.ExtractToDirectory(Package, Extracted);
    }

    public string RepositoryRoot { get; }
    public string Root { get; }
    public string Package { get; }
    /// <summary>The package unzipped, laid out as NuGet lays it out in the package cache.</summary>
    public string Extracted { get; }

    private static string FindRepositoryRoot()
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

/// <summary>The package's own tests (TaskPackageTests, ReadyToRunPackageTests) share one pack of it.</summary>
[CollectionDefinition(Name)]
public sealed class TaskPackageCollection : ICollectionFixture<TaskPackageFixture>
{
    public const string Name = "PipelineGen package contents";
}

/// <summary>
/// Issue 10, "the task loads under .NET Framework MSBuild": what can be checked on Linux about the net472 task in the
/// real package. Loading it needs Windows (the manual check is in docs/build-integration.md).
/// </summary>
[Collection(TaskPackageCollection.Name)]
public sealed class TaskPackageTests(TaskPackageFixture fixture)
{
    private string Net472Task => Path.Combine(fixture.Extracted, "tasks", "net472", "PipelineGen.Tasks.dll");
    private string Net10Task => Path.Combine(fixture.Extracted, "tasks", "net10.0", "PipelineGen.Tasks.dll");

    [Fact]
    public void The_net472_task_targets_NET_Framework_472_and_references_only_framework_MSBuild_or_shipped_assemblies()
    {
        Assert.True(File.Exists(Net10Task), "tasks/net10.0/PipelineGen.Tasks.dll is missing from the package");
        Assert.True(File.Exists(Net472Task), "tasks/net472/PipelineGen.Tasks.dll is missing from the package");

        using var stream = File.OpenRead(Net472Task);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        Assert.Equal(".NETFramework,Version=v4.7.2", TargetFramework(metadata));

        // What .NET Framework 4.7.2 itself provides: the names in its reference assemblies (and their facades).
        var frameworkFolder = Path.Combine(Net472ReferenceAssemblies(), "build", ".NETFramework", "v4.7.2");
        var framework = Directory.EnumerateFiles(frameworkFolder, "*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Contains("mscorlib", framework);
        // MSBuild loads these from its own folder, for every task.
        var msbuild = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Microsoft.Build.Framework", "Microsoft.Build.Utilities.Core" };
        var shipped = Directory.EnumerateFiles(Path.GetDirectoryName(Net472Task)!, "*.dll")
            .Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.Contains("Microsoft.Build.Utilities.Core", references);
        var unresolved = references.Where(r => !framework.Contains(r) && !msbuild.Contains(r) && !shipped.Contains(r)).ToList();
        Assert.True(unresolved.Count == 0,
            "The net472 task references assemblies that neither .NET Framework 4.7.2 nor MSBuild provide and that are not in tasks/net472/: "
            + string.Join(", ", unresolved));
    }

    [Fact]
    public void The_net10_task_targets_NET_10()
    {
        using var stream = File.OpenRead(Net10Task);
        using var pe = new PEReader(stream);
        Assert.Equal(".NETCoreApp,Version=v10.0", TargetFramework(pe.GetMetadataReader()));
    }

    [Theory]
    [InlineData("Full", "net472")]
    [InlineData("Core", "net10.0")]
    public void The_targets_load_the_task_built_for_the_MSBuild_runtime(string runtimeType, string folder)
    {
        // The package's own targets text, evaluated by real MSBuild; MSBuildRuntimeType is reserved (it cannot be set
        // from outside), so a copy beside it reads the value from a probe property instead. Everything else is unchanged.
        var targets = Path.Combine(fixture.Extracted, "build", "PipelineGen.targets");
        var text = File.ReadAllText(targets);
        Assert.Contains("$(MSBuildRuntimeType)", text);
        var probeTargets = Path.Combine(fixture.Extracted, "build", "PipelineGen.probe-" + runtimeType + ".targets");
        File.WriteAllText(probeTargets, text.Replace("$(MSBuildRuntimeType)", "$(PipelineGenProbeRuntimeType)"));
        var project = Path.Combine(fixture.Root, "probe-" + runtimeType + ".proj");
        File.WriteAllText(project, $"<Project><Import Project=\"{probeTargets}\" /></Project>");

        var result = DotnetCli.Run(fixture.Root, TimeSpan.FromMinutes(5), "msbuild", project, "-nologo",
            "-p:PipelineGenProbeRuntimeType=" + runtimeType, "-getProperty:PipelineGenTasksAssembly");
        Assert.True(result.ExitCode == 0, result.Tail());
        var chosen = result.Output.Trim();
        Assert.Equal(Path.Combine(fixture.Extracted, "tasks", folder, "PipelineGen.Tasks.dll"), chosen);
        Assert.True(File.Exists(chosen), chosen + " is not in the package");

        // Every task is declared from that property, so the choice above is the assembly MSBuild loads.
        var usingTasks = XDocument.Load(targets).Descendants().Where(e => e.Name.LocalName == "UsingTask").ToList();
        Assert.NotEmpty(usingTasks);
        Assert.All(usingTasks, u => Assert.Equal("$(PipelineGenTasksAssembly)", (string?)u.Attribute("AssemblyFile")));
    }

    [Fact]
    public void The_SDKs_own_MSBuild_evaluates_the_targets_to_the_net10_task()
    {
        var project = Path.Combine(fixture.Root, "probe-real.proj");
        File.WriteAllText(project, $"<Project><Import Project=\"{Path.Combine(fixture.Extracted, "build", "PipelineGen.targets")}\" /></Project>");
        var result = DotnetCli.Run(fixture.Root, TimeSpan.FromMinutes(5), "msbuild", project, "-nologo", "-getProperty:PipelineGenTasksAssembly");
        Assert.True(result.ExitCode == 0, result.Tail());
        Assert.Equal(Net10Task, result.Output.Trim());
    }

    [Fact]
    public void The_package_carries_its_readme_and_the_editor_schema()
    {
        using var zip = ZipFile.OpenRead(fixture.Package);
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspecEntry.Open());
        var nuspec = XDocument.Parse(reader.ReadToEnd());
        var readme = nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == "readme")?.Value;
        Assert.False(string.IsNullOrEmpty(readme), "the nuspec has no <readme>");
        var entry = zip.GetEntry(readme!.Replace('\\', '/'));
        Assert.NotNull(entry);
        using var readmeText = new StreamReader(entry!.Open());
        Assert.Contains("pipeline.yaml", readmeText.ReadToEnd());
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.RepositoryRoot, "schemas", "pipeline.schema.json")),
            File.ReadAllText(Path.Combine(fixture.Extracted, "schemas", "pipeline.schema.json")));
    }

    private static string? TargetFramework(MetadataReader metadata)
    {
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference) continue;
            var constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference) continue;
            var type = metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent);
            if (metadata.GetString(type.Name) != "TargetFrameworkAttribute") continue;
            // Custom attribute blob: prolog 0x0001, then the first constructor argument as a serialized string.
            var blob = metadata.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            return blob.ReadSerializedString();
        }
        return null;
    }

    private static string Net472ReferenceAssemblies()
    {
        var path = typeof(TaskPackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Net472ReferenceAssemblies").Value;
        Assert.True(Directory.Exists(path), "the .NET Framework 4.7.2 reference assemblies package is not restored at " + path);
        return path!;
    }
}
