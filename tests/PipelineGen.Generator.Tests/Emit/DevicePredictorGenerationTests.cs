using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// The device classes (Emit/DevicePredictorEmitter.cs): in a compilation that references PipelineGen.Predictor and not
/// PipelineGen.Runtime (a device project: no ML.NET at all) the generator emits only <c>&lt;Name&gt;OnnxInput</c>,
/// <c>&lt;Name&gt;OnnxOutput</c> and <c>&lt;Name&gt;OnnxPredictor</c>, and they compile against the real predictor; their
/// shape is pinned by snapshots (Snapshots/Device.*.g.cs; UPDATE_SNAPSHOTS=1 accepts a change). With the runtime too,
/// both the ML.NET pipeline and the device classes are emitted. Scoring with them is in
/// PipelineGen.Export.Tests/GeneratedDeviceClassesTests.cs and the packed device project in OnnxBuildIntegrationTests.
/// </summary>
public class DevicePredictorGenerationTests
{
    // Every assembly the test host has, minus ML.NET and PipelineGen's ML.NET side: what a device project compiles against.
    private static readonly Lazy<ImmutableArray<MetadataReference>> DeviceReferences = new(() =>
    {
        _ = typeof(PipelineGen.Predictor.OnnxModel); // loaded, so it is among the trusted assemblies
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => IsDeviceAssembly(Path.GetFileNameWithoutExtension(p)))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    private static bool IsDeviceAssembly(string name) =>
        name is "PipelineGen.Predictor" or "Microsoft.ML.OnnxRuntime"
        || !(name.StartsWith("Microsoft.ML", StringComparison.Ordinal) || name.StartsWith("PipelineGen.", StringComparison.Ordinal)
             || name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || name.StartsWith("xunit", StringComparison.Ordinal));

    private static GeneratorRun RunDevice(string name, string spec, PipelineGen.Spec.Data.InferredSchema schema, string userCode)
    {
        var specPath = $"/specs/device-{name}/pipeline.yaml";
        var schemaPath = specPath + ".schema.json";
        var files = new List<AdditionalText> { new InMemoryAdditionalText(specPath, spec), new InMemoryAdditionalText(schemaPath, PipelineGen.Spec.Data.SchemaFile.Write(schema with { SpecPath = specPath })) };
        var kinds = new Dictionary<string, string> { [specPath] = "Spec", [schemaPath] = "Schema" };
        var compilation = CSharpCompilation.Create("DeviceProject", [CSharpSyntaxTree.ParseText(userCode, GeneratorHarness.ParseOptions)], DeviceReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return GeneratorHarness.Run(GeneratorHarness.NewDriver(files, kinds, rootNamespace: "Device"), compilation);
    }

    public static TheoryData<string> Tasks => new() { "Binary", "Multiclass", "Regression" };

    [Theory]
    [MemberData(nameof(Tasks))]
    public void A_device_project_gets_only_the_device_classes_they_compile_without_MLNET_and_match_the_snapshot(string task)
    {
        var (_, spec, schema, _) = Fixtures.All.Single(f => f.Name == task);
        var run = RunDevice(task, spec, schema, "namespace Device { internal static class UserCode { } }");
        Assert.DoesNotContain(run.Output.ReferencedAssemblyNames, a => a.Name.StartsWith("Microsoft.ML", StringComparison.Ordinal) && a.Name != "Microsoft.ML.OnnxRuntime");
        Assert.DoesNotContain(run.Output.ReferencedAssemblyNames, a => a.Name == "PipelineGen.Runtime");
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(run.CompileErrors);
        var source = Assert.Single(run.Result.Results.Single().GeneratedSources);
        Assert.EndsWith(".Device.g.cs", source.HintName);
        Snapshot($"Device.{task}.g.cs", source.SourceText.ToString());
    }

    [Fact]
    public void Device_classes_have_the_feature_columns_the_exporter_makes_inputs_and_the_task_outputs()
    {
        var titanic = RunDevice("titanic", Fixtures.TitanicSpec, Fixtures.TitanicSchema, "namespace Device { internal static class UserCode { } }").Source("Titanic.Device.g.cs");
        // Numeric with missing values -> float NaN by default; categorical and text -> string ""; ignored and label columns absent.
        Assert.Contains("[PGP::OnnxInput(\"age\")] public float Age { get; set; } = float.NaN;", titanic);
        Assert.Contains("[PGP::OnnxInput(\"pclass\")] public string Pclass { get; set; } = \"\";", titanic);
        Assert.Contains("[PGP::OnnxInput(\"name\")] public string Name { get; set; } = \"\";", titanic);
        Assert.DoesNotContain("OnnxInput(\"ticket\")", titanic);
        Assert.DoesNotContain("OnnxInput(\"survived\")", titanic);
        Assert.Contains("[PGP::OnnxOutput(\"Probability\")] public float Probability", titanic);
        // A text feature: batches are scored one row per run.
        Assert.Contains("for (int i = 0; i < rows.Count; i++) result[i] = _predictor.Predict(rows[i]);", titanic);

        // The model's own decision, as 'predict': Score above its threshold, i.e. Probability above 1/2 (ModelDecision).
        Assert.Contains("public bool PredictedLabel => Probability > 0.5f;", titanic);
        var withThreshold = RunDevice("threshold", Fixtures.TitanicSpec.Replace("  label: survived\n", "  label: survived\n  threshold: 0.3\n"), Fixtures.TitanicSchema,
            "namespace Device { internal static class UserCode { } }");
        Assert.Empty(withThreshold.CompileErrors);
        var thresholded = withThreshold.Source("Titanic.Device.g.cs");
        Assert.Contains("public const float Threshold = 0.3f;", thresholded);
        Assert.Contains("public bool PredictedLabel => Probability >= Threshold;", thresholded);

        var iris = RunDevice("iris", Fixtures.IrisSpec, Fixtures.IrisSchema, "namespace Device { internal static class UserCode { } }").Source("Iris.Device.g.cs");
        Assert.Contains("[PGP::OnnxOutput(\"Score\")]\n        public float[] Score", iris.Replace("\r\n", "\n"));
        Assert.Matches(@"InputColumns \{ get; \} = new string\[\]\s*\{\s*""sepal_length"",\s*""sepal_width"",\s*""petal_length"",\s*""petal_width"",\s*\};", iris);
        Assert.Matches(@"public IrisOnnxOutput\[\] Predict\(Generic::IReadOnlyList<IrisOnnxInput> rows\) =>\s*_predictor\.Predict\(rows\);", iris);
    }

    [Fact]
    public void Users_code_in_a_device_project_uses_the_generated_classes()
    {
        var run = RunDevice("use", Fixtures.IrisSpec, Fixtures.IrisSchema, """
            namespace Device
            {
                internal static class UserCode
                {
                    public static int Classify(string model)
                    {
                        using var predictor = new IrisOnnxPredictor(model, threads: 1);
                        return predictor.Predict(new IrisOnnxInput { SepalLength = 5.1f, SepalWidth = 3.5f, PetalLength = 1.4f, PetalWidth = 0.2f }).PredictedClassIndex;
                    }
                }
            }
            """);
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void A_project_with_the_runtime_and_the_predictor_gets_the_pipeline_and_the_device_classes()
    {
        _ = typeof(PipelineGen.Predictor.OnnxModel);
        var all = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var specPath = "/specs/both/pipeline.yaml";
        var schemaPath = specPath + ".schema.json";
        var files = new List<AdditionalText> { new InMemoryAdditionalText(specPath, Fixtures.IrisSpec.Replace("name: Iris", "name: IrisBoth")),
            new InMemoryAdditionalText(schemaPath, PipelineGen.Spec.Data.SchemaFile.Write(Fixtures.IrisSchema with { SpecPath = specPath })) };
        var compilation = CSharpCompilation.Create("Both", [CSharpSyntaxTree.ParseText("namespace MyApp { internal static class UserCode { } }", GeneratorHarness.ParseOptions)], all,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var run = GeneratorHarness.Run(GeneratorHarness.NewDriver(files, new Dictionary<string, string> { [specPath] = "Spec", [schemaPath] = "Schema" }), compilation);
        Assert.Empty(run.CompileErrors);
        var hints = run.Result.Results.Single().GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Contains("IrisBoth.Device.g.cs", hints);
        Assert.Contains(hints, h => h.StartsWith("IrisBoth", StringComparison.Ordinal) && !h.Contains("Device", StringComparison.Ordinal));
    }

    private static void Snapshot(string file, string text) => SnapshotFile.AssertMatches(file, text);
}
