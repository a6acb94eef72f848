using PipelineGen.Generator.Tests.Emit;
using PipelineGen.Spec.Catalog;
using RuntimeMetrics = PipelineGen.Runtime.Evaluation.MetricCatalog;

namespace PipelineGen.Generator.Tests.Contract;

/// <summary>
/// The spec (netstandard2.0, loaded by the compiler) and the runtime (net10.0, loaded by the app) are separate assemblies
/// on purpose; the names they share must agree, or a spec that validates would fail at run time.
/// </summary>
public class ContractConsistencyTests
{
    [Theory]
    [InlineData(TaskKind.Binary, PipelineGen.Runtime.MlTaskKind.BinaryClassification)]
    [InlineData(TaskKind.Multiclass, PipelineGen.Runtime.MlTaskKind.MulticlassClassification)]
    [InlineData(TaskKind.Regression, PipelineGen.Runtime.MlTaskKind.Regression)]
    public void Metric_names_and_directions_agree(TaskKind specTask, PipelineGen.Runtime.MlTaskKind runtimeTask)
    {
        Assert.Equal(MetricCatalog.NamesFor(specTask).OrderBy(n => n), RuntimeMetrics.For(runtimeTask).OrderBy(n => n));
        foreach (var metric in MetricCatalog.All.Where(m => m.Task == specTask))
            Assert.Equal(metric.HigherIsBetter, RuntimeMetrics.HigherIsBetter(metric.Name));
    }

    [Fact]
    public void Column_kinds_and_roles_agree()
    {
        Assert.Equal(PipelineGen.Spec.Schema.SpecShape.ColumnTypes.Select(t => t.Replace("datetime", "DateTime")),
            Enum.GetNames<PipelineGen.Runtime.ColumnKind>().Select(n => n == "DateTime" ? n : n.ToLowerInvariant()));
        Assert.Equal(PipelineGen.Spec.Schema.SpecShape.ColumnRoles, Enum.GetNames<PipelineGen.Runtime.ColumnRole>().Select(n => n.ToLowerInvariant()));
    }

    /// <summary>
    /// The settings' <c>Hyperparameters</c> (what the card, runs and evaluation contexts show) name exactly the catalog's
    /// parameters of the spec's trainer, in catalog order, with the catalog's defaults for what the spec leaves out.
    /// </summary>
    [Theory]
    [MemberData(nameof(TrainerCompileTests.Combinations), MemberType = typeof(TrainerCompileTests))]
    public void Every_emitted_hyperparameter_is_a_catalog_parameter_of_that_trainer(string trainer, string task)
    {
        var (spec, schema) = task switch
        {
            "binary" => (Fixtures.TitanicSpec, Fixtures.TitanicSchema),
            "multiclass" => (Fixtures.IrisSpec, Fixtures.IrisSchema),
            _ => (Fixtures.TaxisSpec, Fixtures.TaxisSchema),
        };
        var model = spec.Substring(spec.IndexOf("model:", StringComparison.Ordinal));
        var run = GeneratorHarness.Run("/specs/t/pipeline.yaml", spec.Replace(model, $"model:\n  trainer: {trainer}\n"), schema);
        Assert.Empty(run.GeneratorDiagnostics);
        var source = run.Result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(".PipelineGen.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        var start = source.IndexOf("Hyperparameters = new Generic::Dictionary<string, string>", StringComparison.Ordinal);
        Assert.True(start >= 0, source);
        var block = source[start..source.IndexOf('}', start)];
        var emitted = System.Text.RegularExpressions.Regex.Matches(block, @"\[""([a-z0-9_]+)""\] = ""([^""]*)""")
            .Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Value)).ToList();

        var info = TrainerCatalog.Find(trainer)!;
        Assert.Equal(info.Params.Select(p => p.Name), emitted.Select(e => e.Name));
        var taskKind = task switch { "binary" => TaskKind.Binary, "multiclass" => TaskKind.Multiclass, _ => TaskKind.Regression };
        foreach (var (name, value) in emitted)
            Assert.Equal(TrainerDefaults.Of(trainer, taskKind, name), value);
        if (info.CapacityParam is { } capacity)
            Assert.Contains($"CapacityHyperparameter = \"{capacity}\",", source);
    }
}
