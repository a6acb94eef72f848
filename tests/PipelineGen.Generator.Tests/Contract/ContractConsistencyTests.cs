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
}
