using System.Collections.Immutable;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PipelineGen.Generator;
using PipelineGen.Generator.Tests.Harness;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Serving.Tests;

/// <summary>
/// The generator emits <c>&lt;Name&gt;.Serving.g.cs</c> (Add/Map extensions and the <c>serve</c> registration) only for
/// projects that reference PipelineGen.Serving, and the emitted code compiles and registers <c>serve</c> when loaded.
/// </summary>
public sealed class ServingGenerationTests
{
    private const string Spec = """
        version: 1
        name: Boats
        task:
          kind: binary
          label: survived
        data:
          train: titanic_train.csv
        model:
          trainer: lightgbm
        deploy:
          rest:
            port: 8123
        """;

    internal static InferredColumn C(string name, int index, string type, int missing = 0, params string[] values) =>
        new(name, index, type, missing, values.Length == 0 ? 100 : values.Length, values.ToEquatableArray());

    /// <summary>The schema the build would infer from <paramref name="data"/> (a file under TestData) for <paramref name="columns"/>.</summary>
    internal static InferredSchema Schema(string specPath, string data, int rows, params InferredColumn[] columns) =>
        new(specPath, Path.Combine(AppContext.BaseDirectory, "TestData", data), rows, true, columns.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty);

    private static InferredSchema Schema(string specPath) => Schema(specPath, "titanic_train.csv", 300,
        new[]
        {
            C("survived", 0, "numeric", 0, "0", "1"), C("pclass", 1, "numeric", 0, "1", "2", "3"), C("sex", 2, "categorical", 0, "female", "male"),
            C("age", 3, "numeric", 58), C("sibsp", 4, "numeric"), C("parch", 5, "numeric"), C("fare", 6, "numeric"), C("embarked", 7, "categorical", 1, "C", "Q", "S"),
        });

    /// <param name="schema">The inferred schema for the spec's path; null is the titanic data's.</param>
    internal static (Compilation Output, GeneratorDriverRunResult Result) Generate(bool referenceServing, string spec = Spec, Func<string, InferredSchema>? schema = null)
    {
        var specPath = Path.Combine(AppContext.BaseDirectory, "TestData", "boats.pipeline.yaml");
        var schemaPath = specPath + ".schema.json";
        var files = new AdditionalText[] { new InMemoryAdditionalText(specPath, spec), new InMemoryAdditionalText(schemaPath, SchemaFile.Write((schema ?? Schema)(specPath))) };
        var kinds = new Dictionary<string, string> { [specPath] = "Spec", [schemaPath] = "Schema" };
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => referenceServing || Path.GetFileNameWithoutExtension(p) != "PipelineGen.Serving")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("BoatsApp_" + Guid.NewGuid().ToString("N"), [CSharpSyntaxTree.ParseText("namespace Boats { internal static class UserCode { } }", parse)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new PipelineGenerator().AsSourceGenerator()], files, parse, new TestOptionsProvider(kinds, "Boats"));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, driver.GetRunResult());
    }

    [Fact]
    public void Without_the_serving_package_no_serving_code_is_emitted()
    {
        var (output, result) = Generate(referenceServing: false);
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Contains("Boats.PipelineGen.g.cs", hints);
        Assert.DoesNotContain("Boats.Serving.g.cs", hints);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void With_the_serving_package_the_endpoints_and_serve_are_emitted_with_the_specs_port_and_compile()
    {
        var (output, result) = Generate(referenceServing: true);
        var serving = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Boats.Serving.g.cs").SourceText.ToString();
        Assert.Contains("public const int DefaultPort = 8123;", serving);
        Assert.Contains("MapBoatsEndpoints", serving);
        Assert.Contains("AddBoatsServing", serving);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Without_deploy_rest_the_port_is_5000()
    {
        var (_, result) = Generate(referenceServing: true, Spec[..Spec.IndexOf("deploy:", StringComparison.Ordinal)]);
        var serving = result.Results.Single().GeneratedSources.Single(s => s.HintName == "Boats.Serving.g.cs").SourceText.ToString();
        Assert.Contains("public const int DefaultPort = 5000;", serving);
    }

    [Fact]
    public void Loading_the_generated_assembly_gives_its_command_line_a_serve_command_with_the_specs_port()
    {
        var (output, _) = Generate(referenceServing: true);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(image);
        var pipelineType = assembly.GetType("Boats.BoatsPipeline")!;
        // The module initializer runs before the first type of the assembly is used.
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(pipelineType.Module.ModuleHandle);
        var pipeline = (PipelineGen.Runtime.IPipelineDefinition)Activator.CreateInstance(pipelineType)!;
        var stdout = new StringWriter();
        var exit = PipelineGen.Runtime.Cli.PipelineApp.Run(["serve", "--help"], pipeline, stdout, new StringWriter());
        Assert.Equal(0, exit);
        Assert.Contains("--port", stdout.ToString());
        Assert.Contains("8123", stdout.ToString());
    }
}
