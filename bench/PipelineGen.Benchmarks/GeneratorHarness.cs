using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

using PipelineGen.Generator.Tests.Harness;

namespace PipelineGen.Benchmarks;

// Drives the generator in-process like the test harness; the in-memory inputs and options provider are the tests' own
// (tests/PipelineGen.Generator.Tests/Harness/GeneratorInputs.cs, linked into this project).

internal static class GeneratorHarness
{
    /// <summary>Every assembly the benchmark process runs on: the BCL, ML.NET and PipelineGen.Runtime, as a user project references them.</summary>
    public static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Path.GetFileName(p).StartsWith("BenchmarkDotNet", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation NewCompilation(IEnumerable<string> sources) =>
        CSharpCompilation.Create("UserProject",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "Program.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Debug));

    public static GeneratorDriver NewDriver(IEnumerable<AdditionalText> files, IReadOnlyDictionary<string, string> kinds) =>
        CSharpGeneratorDriver.Create(
            new[] { new PipelineGen.Generator.PipelineGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new TestOptionsProvider(kinds, "BenchApp"),
            // What the compiler uses in a real build: no step tracking.
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    /// <summary>Emits to memory and throws with the errors if the compilation (user code + generated code) does not build.</summary>
    public static byte[] EmitOrThrow(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
            throw new InvalidOperationException("compilation failed:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        return stream.ToArray();
    }

    public static void ThrowOnGeneratorFailure(GeneratorDriver driver, ImmutableArray<Diagnostic> diagnostics)
    {
        var run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null) throw new InvalidOperationException("the generator threw", run.Exception);
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) throw new InvalidOperationException("generator diagnostics:\n" + string.Join("\n", errors));
        if (run.GeneratedSources.Length == 0) throw new InvalidOperationException("the generator produced no source");
    }
}
