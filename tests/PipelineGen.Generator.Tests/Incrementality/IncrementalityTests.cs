using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PipelineGen.Generator.Tests.Diagnostics;

namespace PipelineGen.Generator.Tests.Incrementality;

/// <summary>
/// The generator must cost nothing when nothing it reads changed: every tracked step Cached or Unchanged after an
/// unrelated C# edit, and the emitted code untouched after a comment-only YAML edit (even one that moves lines).
/// </summary>
public class IncrementalityTests
{
    private const string SpecPath = "/specs/binary/pipeline.yaml";
    private const string SchemaPath = "/specs/binary/obj/pipeline.schema.json";

    private static (GeneratorDriver Driver, CSharpCompilation Compilation, InMemoryAdditionalText Spec) FirstRun()
    {
        var spec = new InMemoryAdditionalText(SpecPath, Fixtures.TitanicSpec);
        var schema = new InMemoryAdditionalText(SchemaPath, PipelineGen.Spec.Data.SchemaFile.Write(Fixtures.TitanicSchema with { SpecPath = SpecPath }));
        var driver = GeneratorHarness.NewDriver(new AdditionalText[] { spec, schema }, new Dictionary<string, string> { [SpecPath] = "Spec", [SchemaPath] = "Schema" });
        var compilation = GeneratorHarness.NewCompilation("namespace MyApp { public static class A { } }");
        driver = driver.RunGenerators(compilation);
        return (driver, compilation, spec);
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> OurSteps(GeneratorRunResult result) =>
        result.TrackedSteps
            .Where(s => typeof(TrackingNames).GetFields().Any(f => (string)f.GetValue(null)! == s.Key))
            .SelectMany(s => s.Value.SelectMany(run => run.Outputs.Select(o => (s.Key, o.Reason))));

    [Fact]
    public void Unrelated_code_edit_leaves_every_tracked_step_cached_or_unchanged()
    {
        var (driver, compilation, _) = FirstRun();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace MyApp { public static class B { public static int X => 1; } }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        var steps = OurSteps(result).ToList();
        Assert.Contains(steps, s => s.Step == TrackingNames.EmitModels);
        Assert.All(steps, s => Assert.True(s.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{s.Step} was {s.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Comment_only_yaml_edit_that_moves_lines_keeps_the_emitted_code_cached()
    {
        var (driver, compilation, spec) = FirstRun();
        var before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        var commented = new InMemoryAdditionalText(SpecPath, "# Survival model\n# owner: data team\n" + Fixtures.TitanicSpec.Replace("name: Titanic", "name: Titanic   # class prefix"));
        driver = driver.ReplaceAdditionalText(spec, commented).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        var steps = OurSteps(result).ToList();
        Assert.Contains(steps, s => s.Step == TrackingNames.ParsedSpecs && s.Reason == IncrementalStepRunReason.Modified); // spans moved
        Assert.All(steps.Where(s => s.Step is TrackingNames.EmitModels or TrackingNames.CollectedEmitModels),
            s => Assert.True(s.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{s.Step} was {s.Reason}"));
        Assert.Equal(before, result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void A_real_spec_edit_regenerates()
    {
        var (driver, compilation, spec) = FirstRun();
        driver = driver.ReplaceAdditionalText(spec, new InMemoryAdditionalText(SpecPath, Fixtures.TitanicSpec.Replace("leaves: 8", "leaves: 16"))).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        Assert.Contains(OurSteps(result), s => s.Step == TrackingNames.EmitModels && s.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("NumberOfLeaves = 16,", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Editing_one_of_two_specs_re_emits_only_that_spec()
    {
        const string IrisPath = "/specs/iris/pipeline.yaml", IrisSchemaPath = "/specs/iris/obj/pipeline.schema.json";
        var titanic = new InMemoryAdditionalText(SpecPath, Fixtures.TitanicSpec);
        var files = new AdditionalText[]
        {
            titanic,
            new InMemoryAdditionalText(SchemaPath, PipelineGen.Spec.Data.SchemaFile.Write(Fixtures.TitanicSchema with { SpecPath = SpecPath })),
            new InMemoryAdditionalText(IrisPath, Fixtures.IrisSpec),
            new InMemoryAdditionalText(IrisSchemaPath, PipelineGen.Spec.Data.SchemaFile.Write(Fixtures.IrisSchema with { SpecPath = IrisPath })),
        };
        var driver = GeneratorHarness.NewDriver(files, new Dictionary<string, string>
        {
            [SpecPath] = "Spec", [SchemaPath] = "Schema", [IrisPath] = "Spec", [IrisSchemaPath] = "Schema",
        });
        var compilation = GeneratorHarness.NewCompilation("namespace MyApp { public static class A { } }");
        driver = driver.RunGenerators(compilation);
        var irisBefore = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName.StartsWith("Iris", StringComparison.Ordinal));

        driver = driver.ReplaceAdditionalText(titanic, new InMemoryAdditionalText(SpecPath, Fixtures.TitanicSpec.Replace("leaves: 8", "leaves: 16")))
            .RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        // Per spec, in input order (Titanic's files first): the edited spec is Modified at every per-pipeline step,
        // the untouched one Cached or Unchanged; the steps that look at all pipelines see no name change (Unchanged).
        foreach (var step in new[] { TrackingNames.Bound, TrackingNames.EmitModels, TrackingNames.PipelineSources })
        {
            var reasons = result.TrackedSteps[step].SelectMany(run => run.Outputs.Select(o => o.Reason)).ToList();
            Assert.Equal(2, reasons.Count);
            Assert.Equal(IncrementalStepRunReason.Modified, reasons[0]);
            Assert.True(reasons[1] is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: Iris was {reasons[1]}");
        }
        foreach (var step in new[] { TrackingNames.SkippedDuplicates, TrackingNames.EmittedNames })
            Assert.All(result.TrackedSteps[step].SelectMany(run => run.Outputs),
                o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {o.Reason}"));

        // The source output of Iris is not produced again; Titanic's is, with the edit.
        var outputs = result.TrackedOutputSteps["SourceOutput"].SelectMany(run => run.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, outputs);
        Assert.Contains(IncrementalStepRunReason.Cached, outputs);
        Assert.Contains("NumberOfLeaves = 16,", result.GeneratedSources.Single(s => s.HintName.StartsWith("Titanic", StringComparison.Ordinal)).SourceText.ToString());
        Assert.Equal(irisBefore.SourceText.ToString(),
            result.GeneratedSources.Single(s => s.HintName.StartsWith("Iris", StringComparison.Ordinal)).SourceText.ToString());
    }

    [Fact]
    public void Step_outputs_hold_no_compilation_symbols_or_syntax()
    {
        var (driver, _, _) = FirstRun();
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in result.TrackedSteps.Where(s => typeof(TrackingNames).GetFields().Any(f => (string)f.GetValue(null)! == s.Key)))
        foreach (var output in step.Value.SelectMany(r => r.Outputs))
            Walk(output.Value, step.Key, new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    public static TheoryData<string> FixtureNames()
    {
        var data = new TheoryData<string>();
        foreach (var fixture in Fixtures.All) data.Add(fixture.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Step_outputs_of_every_fixture_hold_no_compilation_symbols_or_syntax(string name)
    {
        var fixture = Fixtures.All.Single(f => f.Name == name);
        var run = GeneratorHarness.Run($"/specs/{name}/pipeline.yaml", fixture.Spec, fixture.Schema);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        WalkTrackedSteps(run.Result.Results.Single(), name);
    }

    /// <summary>Broken specs take other paths through the steps (outlines, fallbacks, diagnostics only): walk those too.</summary>
    [Fact]
    public void Step_outputs_of_every_hostile_corpus_spec_hold_no_compilation_symbols_or_syntax()
    {
        int walked = 0;
        foreach (var (name, yaml) in HostileSpecCorpusTests.CorpusSpecs())
        {
            var run = GeneratorHarness.Run(SpecPath, yaml, Fixtures.TitanicSchema);
            WalkTrackedSteps(run.Result.Results.Single(), name);
            walked++;
        }
        Assert.True(walked >= 150, $"only {walked} corpus specs walked");
    }

    private static void WalkTrackedSteps(GeneratorRunResult result, string name)
    {
        var steps = result.TrackedSteps.Where(s => typeof(TrackingNames).GetFields().Any(f => (string)f.GetValue(null)! == s.Key)).ToList();
        Assert.NotEmpty(steps);
        foreach (var step in steps)
        foreach (var output in step.Value.SelectMany(r => r.Outputs))
            Walk(output.Value, $"{name}: {step.Key}", new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static readonly Type[] Forbidden = { typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SemanticModel), typeof(Location), typeof(AdditionalText) };

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        var type = value.GetType();
        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a {type.Name}: it would pin compilations in the cache and break equality");
        if (!type.IsValueType && !seen.Add(value)) return;
        if (value is IEnumerable sequence)
        {
            var i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", seen);
            return;
        }
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
    }
}
