using PipelineGen.Spec.Catalog;

namespace PipelineGen.Generator.Tests;

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
        var parameters = string.Join(", ", info.Params.Select(p => p.Name + ": " + p.Type switch
        {
            ParamType.Bool => "true",
            ParamType.Int => ((int)(p.Min ?? 1) + 1).ToString(),
            _ => "0.5",
        }));
        var yaml = spec.Replace(model, $"model:\n  trainer: {trainer}\n" + (parameters.Length > 0 ? $"  params: {{ {parameters} }}\n" : ""));
        var run = GeneratorHarness.Run("/specs/t/pipeline.yaml", yaml, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
    }
}
