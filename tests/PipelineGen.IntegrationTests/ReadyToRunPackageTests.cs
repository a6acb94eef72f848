using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace PipelineGen.IntegrationTests;

/// <summary>
/// Issue 10, the generator's first run in a fresh compiler process: the package ships ReadyToRun images of the analyzer
/// assemblies (and a ReadyToRun publish of the schema tool) for linux-x64 beside the IL ones, and its targets hand the
/// images to the compiler (and run that tool) only where they can run.
/// A foreign-platform image would not be ignored (the runtime throws BadImageFormatException and the generator is
/// skipped), so the choice is what these tests pin down. The real compile with the images is in BuildIntegrationTests.
/// </summary>
[Collection(TaskPackageCollection.Name)]
public sealed class ReadyToRunPackageTests(TaskPackageFixture fixture)
{
    private static readonly string[] AnalyzerAssemblies = ["PipelineGen.Generator", "PipelineGen.Spec", "YamlDotNet"];

    // The PE machine field of a linux-x64 ReadyToRun image: x64 XOR the Linux override (dotnet/runtime's
    // IMAGE_FILE_MACHINE_NATIVE_OS_OVERRIDE for Linux, 0x7B79).
    private const ushort LinuxX64Machine = 0x8664 ^ 0x7B79;

    private string IlFolder => Path.Combine(fixture.Extracted, "analyzers", "dotnet", "cs");
    private string ImageFolder => Path.Combine(fixture.Extracted, "readytorun", "linux-x64");

    [Fact]
    public void The_package_ships_linux_x64_ReadyToRun_images_of_the_same_assemblies_the_IL_analyzers_are()
    {
        foreach (var name in AnalyzerAssemblies)
        {
            var il = Path.Combine(IlFolder, name + ".dll");
            var image = Path.Combine(ImageFolder, name + ".dll");
            Assert.True(File.Exists(il), il + " is missing from the package");
            Assert.True(File.Exists(image), image + " is missing from the package");

            var ilFacts = Read(il);
            var imageFacts = Read(image);
            Assert.False(ilFacts.IsReadyToRun, name + " in analyzers/dotnet/cs/ must stay IL (every host loads it)");
            Assert.True(imageFacts.IsReadyToRun, name + " in readytorun/linux-x64/ has no ReadyToRun header");
            Assert.Equal(LinuxX64Machine, imageFacts.Machine);
            // Same assembly, same build: the image is the IL assembly plus native code, not another version.
            Assert.True(ilFacts.Identity == imageFacts.Identity && ilFacts.Mvid == imageFacts.Mvid,
                $"{name}: the image is of {imageFacts.Identity} {imageFacts.Mvid}, the IL analyzer is {ilFacts.Identity} {ilFacts.Mvid}");
        }
        Assert.Equal(AnalyzerAssemblies.Length, Directory.GetFiles(IlFolder, "*.dll").Length);
        Assert.Equal(AnalyzerAssemblies.Length, Directory.GetFiles(ImageFolder, "*.dll").Length);
    }

    [Fact]
    public void The_package_ships_the_schema_tool_published_ReadyToRun_for_linux_x64_beside_the_portable_one()
    {
        var portable = Path.Combine(fixture.Extracted, "tools", "net10.0");
        var tool = Path.Combine(ImageFolder, "tool");
        foreach (var name in new[] { "PipelineGen.Tool", "PipelineGen.Spec", "YamlDotNet" })
        {
            var image = Read(Path.Combine(tool, name + ".dll"));
            var il = Read(Path.Combine(portable, name + ".dll"));
            Assert.True(image.IsReadyToRun, name + " in readytorun/linux-x64/tool/ has no ReadyToRun header");
            Assert.Equal(LinuxX64Machine, image.Machine);
            Assert.False(il.IsReadyToRun, name + " in tools/net10.0/ must stay portable IL");
            Assert.Equal(il.Identity, image.Identity);
        }
        // Run with 'dotnet' like the portable tool: same roll-forward, no app host.
        Assert.Equal(File.ReadAllText(Path.Combine(portable, "PipelineGen.Tool.runtimeconfig.json")),
            File.ReadAllText(Path.Combine(tool, "PipelineGen.Tool.runtimeconfig.json")));
        Assert.Contains("linux-x64", File.ReadAllText(Path.Combine(tool, "PipelineGen.Tool.deps.json")));
    }

    [Theory]
    [InlineData("linux-x64", "Core", "", true)]
    [InlineData("linux-x64", "Core", "false", false)]
    [InlineData("win-x64", "Core", "", false)]
    [InlineData("osx-arm64", "Core", "", false)]
    [InlineData("linux-arm64", "Core", "", false)]
    [InlineData("linux-musl-x64", "Core", "", false)]
    [InlineData("linux-x64", "Full", "", false)]
    public void The_targets_choose_the_images_only_for_a_linux_x64_SDK_that_did_not_opt_out(string sdkRid, string runtimeType, string optIn, bool expectImages)
    {
        // The package's own targets, evaluated and run by real MSBuild over the Analyzer items NuGet would resolve
        // (this package's three IL assemblies and another package's analyzer). MSBuildRuntimeType is reserved, so a copy
        // reads it from a probe property (as TaskPackageTests does); everything else is the shipped text.
        var targets = Path.Combine(fixture.Extracted, "build", "PipelineGen.targets");
        var probeTargets = Path.Combine(fixture.Extracted, "build", $"PipelineGen.r2r-probe-{sdkRid}-{runtimeType}-{optIn}.targets");
        File.WriteAllText(probeTargets, File.ReadAllText(targets).Replace("$(MSBuildRuntimeType)", "$(PipelineGenProbeRuntimeType)"));
        var other = Path.Combine(fixture.Root, "other-package", "Other.Analyzers.dll");
        var items = string.Join("\n", AnalyzerAssemblies.Select(n =>
            $"""    <_ProbeResolvedAnalyzer Include="{Path.Combine(IlFolder, n + ".dll")}" NuGetPackageId="PipelineGen" />"""));
        var project = Path.Combine(fixture.Root, $"r2r-probe-{sdkRid}-{runtimeType}-{optIn}.proj");
        File.WriteAllText(project, $"""
            <Project>
              <ItemGroup>
            {items}
                <_ProbeResolvedAnalyzer Include="{other}" NuGetPackageId="Other" />
              </ItemGroup>
              <!-- What the SDK's target does: the resolved analyzers become Analyzer items. -->
              <Target Name="ResolveLockFileAnalyzers">
                <ItemGroup><Analyzer Include="@(_ProbeResolvedAnalyzer)" /></ItemGroup>
              </Target>
              <Import Project="{probeTargets}" />
            </Project>
            """);

        string[] args = ["msbuild", project, "-nologo", "-t:ResolveLockFileAnalyzers", "-getItem:Analyzer", "-getProperty:PipelineGenToolAssembly",
            "-p:NETCoreSdkRuntimeIdentifier=" + sdkRid, "-p:PipelineGenProbeRuntimeType=" + runtimeType,
            .. (optIn == "" ? Array.Empty<string>() : ["-p:PipelineGenReadyToRun=" + optIn])];
        var result = DotnetCli.Run(fixture.Root, TimeSpan.FromMinutes(5), args);
        Assert.True(result.ExitCode == 0, result.Tail());
        var output = JsonDocument.Parse(result.Output).RootElement;
        var analyzers = output.GetProperty("Items").GetProperty("Analyzer")
            .EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!).ToList();
        var toolAssembly = Path.GetFullPath(output.GetProperty("Properties").GetProperty("PipelineGenToolAssembly").GetString()!);

        var expectedFolder = expectImages ? ImageFolder : IlFolder;
        var expected = AnalyzerAssemblies.Select(n => Path.Combine(expectedFolder, n + ".dll")).Append(other).Order(StringComparer.Ordinal);
        Assert.Equal(expected, analyzers.Order(StringComparer.Ordinal));
        // The schema tool follows the same choice.
        Assert.Equal(expectImages ? Path.Combine(ImageFolder, "tool", "PipelineGen.Tool.dll") : Path.Combine(fixture.Extracted, "tools", "net10.0", "PipelineGen.Tool.dll"),
            toolAssembly);
    }

    private sealed record AssemblyFacts(bool IsReadyToRun, ushort Machine, string Identity, Guid Mvid);

    private static AssemblyFacts Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var definition = metadata.GetAssemblyDefinition();
        var identity = metadata.GetString(definition.Name) + ", " + definition.Version;
        var mvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        // A ReadyToRun image points its CLI header's ManagedNativeHeader at a READYTORUN_HEADER whose signature is "RTR".
        var native = pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory;
        var isReadyToRun = native.Size > 0
            && pe.GetSectionData(native.RelativeVirtualAddress).GetReader().ReadUInt32() == 0x00525452;
        return new AssemblyFacts(isReadyToRun, (ushort)pe.PEHeaders.CoffHeader.Machine, identity, mvid);
    }
}
