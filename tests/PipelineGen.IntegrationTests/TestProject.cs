namespace PipelineGen.IntegrationTests;

/// <summary>A console project that uses PipelineGen as a user would: PackageReference, pipeline.yaml, a CSV, Program.cs.</summary>
public sealed class TestProject
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    private TestProject(string directory) => Directory = directory;

    public string Directory { get; }
    public string OutputDirectory => Path.Combine(Directory, "bin", "Debug", "net10.0");
    public string PipelineGenObj => Path.Combine(Directory, "obj", "Debug", "net10.0", "pipelinegen");
    public string DataFile => Path.Combine(Directory, "iris.csv");
    public string SpecFile => Path.Combine(Directory, "pipeline.yaml");

    internal static TestProject Create(PackageFixture fixture, string name, bool train)
    {
        var directory = Path.Combine(fixture.Root, name);
        System.IO.Directory.CreateDirectory(directory);
        var testData = Path.Combine(AppContext.BaseDirectory, "TestData");
        File.Copy(Path.Combine(testData, "iris.csv"), Path.Combine(directory, "iris.csv"));
        File.Copy(Path.Combine(testData, "pipeline.yaml"), Path.Combine(directory, "pipeline.yaml"));
        File.Copy(Path.Combine(testData, "Program.cs.txt"), Path.Combine(directory, "Program.cs"));
        // The machine's default sources stay (no <clear/>): ML.NET and friends restore from there.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="pipelinegen-under-test" value="{fixture.Feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RootNamespace>App</RootNamespace>
                {(train ? "<PipelineGenTrain>true</PipelineGenTrain>" : "")}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PipelineGen" Version="{fixture.Version}" />
              </ItemGroup>
              <ItemGroup>
                <None Include="iris.csv" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        return new TestProject(directory);
    }

    public CommandResult Build(params string[] extraArgs) =>
        DotnetCli.Run(Directory, BuildTimeout, ["build", "-nodeReuse:false", .. extraArgs]);

    public CommandResult RunProgram(params string[] args) =>
        DotnetCli.Run(Directory, BuildTimeout, [Path.Combine(OutputDirectory, "App.dll"), .. args]);

    public string SchemaFile => System.IO.Directory.GetFiles(PipelineGenObj, "pipeline.yaml.*.schema.json").Single();

    public static void Touch(string path) => File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
}
