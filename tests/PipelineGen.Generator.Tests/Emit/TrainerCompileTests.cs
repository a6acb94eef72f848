using PipelineGen.Spec.Catalog;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>Every trainer the catalog offers, for every task it declares, emits code that compiles against real ML.NET.</summary>
public class TrainerCompileTests
{
    public static TheoryData<string, string> Combinations()
    {
        var data = new TheoryData<string, string>();
        foreach (var trainer in TrainerCatalog.All)
        foreach (var binding in trainer.Bindings)
            data.Add(trainer.Name, binding.Task.ToSpecName());
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Trainer_compiles(string trainer, string task)
    {
        var (spec, schema) = task switch
        {
            "binary" => (Fixtures.TitanicSpec, Fixtures.TitanicSchema),
            "multiclass" => (Fixtures.IrisSpec, Fixtures.IrisSchema),
            _ => (Fixtures.TaxisSpec, Fixtures.TaxisSchema),
        };
        // Replace the fixture's model section with the trainer under test and every hyperparameter it has.
        var info = TrainerCatalog.Find(trainer)!;
        var model = spec.Substring(spec.IndexOf("model:", StringComparison.Ordinal));
        // dense: 'units'/'depth' are the other spelling of 'layers' (both at once is PG0603); Dense_units_and_depth_compile covers them.
        var parameters = string.Join(", ", info.Params.Where(p => !(trainer == "dense" && p.Name is "units" or "depth")).Select(p => p.Name + ": " + p.Type switch
        {
            ParamType.Bool => "true",
            ParamType.Int => ((int)(p.Min ?? 1) + 1).ToString(),
            ParamType.IntList => "[8, 4]",
            ParamType.Choice => p.Choices!.Value[0],
            _ => "0.5",
        }));
        var yaml = spec.Replace(model, $"model:\n  trainer: {trainer}\n" + (parameters.Length > 0 ? $"  params: {{ {parameters} }}\n" : ""));
        var run = GeneratorHarness.Run("/specs/t/pipeline.yaml", yaml, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("multiclass")]
    [InlineData("regression")]
    public void Dense_units_and_depth_compile(string task)
    {
        var (spec, schema) = task switch
        {
            "binary" => (Fixtures.TitanicSpec, Fixtures.TitanicSchema),
            "multiclass" => (Fixtures.IrisSpec, Fixtures.IrisSchema),
            _ => (Fixtures.TaxisSpec, Fixtures.TaxisSchema),
        };
        var model = spec.Substring(spec.IndexOf("model:", StringComparison.Ordinal));
        var yaml = spec.Replace(model, "model:\n  trainer: dense\n  params: { units: 32, depth: 3, activation: tanh }\n");
        var run = GeneratorHarness.Run("/specs/t/pipeline.yaml", yaml, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var source = run.Result.Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("Units = 32,", source);
        Assert.Contains("Activation = PG::Networks.DenseActivation.Tanh,", source);
        Assert.Contains("NormalizeMeanVariance", source);
    }
}
