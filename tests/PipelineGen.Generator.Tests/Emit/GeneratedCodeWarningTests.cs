using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PipelineGen.Generator.Tests.Execution;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// Generated code in a consumer project that treats warnings as errors (issue 10, build hygiene): the generator's output
/// for each task kind, a dense network, a tuned pipeline and a broken spec's stand-ins compiles with every warning, at
/// the highest warning level, reported as an error. The compilation is named "UserProject", which the runtime does not
/// grant InternalsVisibleTo, so this also proves generated code uses only the runtime's public surface (see
/// src/PipelineGen.Runtime/PublicAPI.Shipped.txt).
/// </summary>
public class GeneratedCodeWarningTests
{
    public static TheoryData<string> Cases => new() { "Binary", "Multiclass", "Regression", "Dense", "Tuned", "Broken" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_code_compiles_with_warnings_as_errors_against_the_public_runtime(string name)
    {
        var (spec, schema) = name switch
        {
            "Dense" => (DenseExecutionTests.WithDense(Fixtures.TitanicSpec), Fixtures.TitanicSchema),
            "Tuned" => (Fixtures.TitanicSpec + "\ntune:\n  trials: 4\n", Fixtures.TitanicSchema),
            // A spec error: the generator still emits the public types as stand-ins (FallbackEmitter).
            "Broken" => (Fixtures.TitanicSpec.Replace("metric: auc", "metric: rmse"), Fixtures.TitanicSchema),
            _ => Fixtures.All.Where(f => f.Name == name).Select(f => (f.Spec, f.Schema)).Single(),
        };
        var run = GeneratorHarness.Run($"/specs/{name.ToLowerInvariant()}/pipeline.yaml", spec, schema);
        var generated = run.Result.Results.Single().GeneratedSources;
        Assert.NotEmpty(generated);
        if (name == "Broken") Assert.Contains(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        else Assert.Empty(run.GeneratorDiagnostics);

        // A consumer project with <TreatWarningsAsErrors> and the newest warning wave, nullable on (as the templates are).
        var strict = GeneratorHarness.NewCompilation()
            .AddSyntaxTrees(generated.Select(s => CSharpSyntaxTree.ParseText(s.SourceText, GeneratorHarness.ParseOptions, s.HintName)))
            .WithOptions(GeneratorHarness.NewCompilation().Options
                .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
                .WithWarningLevel(9999));
        var problems = strict.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError)
            .Select(d => d.ToString())
            .ToImmutableArray();
        Assert.True(problems.IsEmpty, "generated code is not warning-free:\n" + string.Join("\n", problems));
    }
}
