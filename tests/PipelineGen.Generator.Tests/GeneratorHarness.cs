using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests;

/// <summary>An AdditionalFile held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;
    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>Supplies the per-file item metadata and global build properties the package's targets would.</summary>
internal sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> kindsByPath, string rootNamespace) : AnalyzerConfigOptionsProvider
{
    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }

    public override AnalyzerConfigOptions GlobalOptions { get; } =
        new Options(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(kindsByPath.TryGetValue(textFile.Path, out var kind)
            ? new Dictionary<string, string> { [Generator.AdditionalFileInput.KindMetadata] = kind }
            : new Dictionary<string, string>());
}

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
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation NewCompilation(params string[] sources) =>
        CSharpCompilation.Create("UserProject",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver NewDriver(IEnumerable<AdditionalText> files, IReadOnlyDictionary<string, string> kinds, string rootNamespace = "MyApp") =>
        CSharpGeneratorDriver.Create(
            new[] { new PipelineGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new TestOptionsProvider(kinds, rootNamespace),
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

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        Assert.True(result.Results.Single().Exception is null, $"the generator threw: {result.Results.Single().Exception}");
        return new GeneratorRun(driver, output, diagnostics, result);
    }
}
