using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Harness;

internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result)
{
    public IEnumerable<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
    public string Source(string hintName) => Result.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}

/// <summary>Runs the generator in-process over specs and schemas, as the compiler would inside `dotnet build`.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            // PipelineGen.Predictor (loaded for DevicePredictorGenerationTests) switches the device classes on: not by default.
            .Where(p => Path.GetFileNameWithoutExtension(p) is not ("PipelineGen.Predictor" or "Microsoft.ML.OnnxRuntime"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation NewCompilation(params string[] sources) =>
        CSharpCompilation.Create("UserProject",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver NewDriver(IEnumerable<AdditionalText> files, IReadOnlyDictionary<string, string> kinds, string rootNamespace = "MyApp", string? projectDir = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new PipelineGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new TestOptionsProvider(kinds, rootNamespace, projectDir),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>One spec (and optionally its schema) → the generator's output compiled with the user's code.</summary>
    public static GeneratorRun Run(string specPath, string specYaml, InferredSchema? schema, params string[] userSources)
    {
        var files = new List<AdditionalText> { new InMemoryAdditionalText(specPath, specYaml) };
        var kinds = new Dictionary<string, string> { [specPath] = "Spec" };
        if (schema is not null)
        {
            var schemaPath = specPath + ".schema.json";
            files.Add(new InMemoryAdditionalText(schemaPath, SchemaFile.Write(schema with { SpecPath = specPath })));
            kinds[schemaPath] = "Schema";
        }
        return Run(NewDriver(files, kinds), NewCompilation(userSources.Length == 0 ? new[] { "namespace MyApp { internal static class UserCode { } }" } : userSources));
    }

    /// <summary>
    /// A spec, its schema and, when <paramref name="lockText"/> is given, the lock file 'tune' writes beside it
    /// (pipeline.lock.yaml in the spec's folder) → the generator's output compiled with a minimal user project.
    /// </summary>
    public static GeneratorRun RunWithLock(string specPath, string specYaml, InferredSchema schema, string? lockText)
    {
        var files = new List<AdditionalText> { new InMemoryAdditionalText(specPath, specYaml) };
        var kinds = new Dictionary<string, string> { [specPath] = "Spec" };
        var schemaPath = specPath + ".schema.json";
        files.Add(new InMemoryAdditionalText(schemaPath, SchemaFile.Write(schema with { SpecPath = specPath })));
        kinds[schemaPath] = "Schema";
        if (lockText is not null)
        {
            var lockPath = Path.Combine(Path.GetDirectoryName(specPath)!, "pipeline.lock.yaml");
            files.Add(new InMemoryAdditionalText(lockPath, lockText));
            kinds[lockPath] = "Lock";
        }
        return Run(NewDriver(files, kinds), NewCompilation("namespace MyApp { internal static class UserCode { } }"));
    }

    /// <summary>The compiled output emitted and loaded into a context of its own; the compiler's diagnostics fail the test.</summary>
    public static System.Reflection.Assembly Load(GeneratorRun run, bool collectible = false)
    {
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        stream.Position = 0;
        return new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: collectible).LoadFromStream(stream);
    }

    /// <summary>
    /// An instance of a generated pipeline whose spec folder is <paramref name="specDirectory"/>: a real program finds that
    /// folder at run time (working directory, program folder, --project-dir); a test host is in none of them.
    /// </summary>
    public static PipelineGen.Runtime.IPipelineDefinition CreatePipeline(System.Reflection.Assembly assembly, string typeName, string specDirectory)
    {
        var type = assembly.GetType(typeName)!;
        var defaults = (PipelineGen.Runtime.PipelineSettings)type.GetProperty("DefaultSettings")!.GetValue(null)!;
        return (PipelineGen.Runtime.IPipelineDefinition)Activator.CreateInstance(type, defaults with { ProjectDirectory = specDirectory })!;
    }

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        Assert.True(result.Results.Single().Exception is null, $"the generator threw: {result.Results.Single().Exception}");
        return new GeneratorRun(driver, output, diagnostics, result);
    }
}
