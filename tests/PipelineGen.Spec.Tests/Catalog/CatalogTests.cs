using PipelineGen.Spec;
using PipelineGen.Spec.Catalog;

namespace PipelineGen.Spec.Tests;

public class CatalogTests
{
    [Fact]
    public void At_least_fifteen_distinct_diagnostic_ids_with_stable_format()
    {
        var ids = SpecDiagnostics.All.Select(d => d.Id).ToList();
        Assert.True(ids.Count >= 15);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^PG[0-9]{4}$", id));
    }

    [Fact]
    public void Analyzer_release_files_record_every_id()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "PipelineGen.sln"))) dir = Path.GetDirectoryName(dir)!;
        var text = File.ReadAllText(Path.Combine(dir, "src/PipelineGen.Spec/AnalyzerReleases.Shipped.md"))
                 + File.ReadAllText(Path.Combine(dir, "src/PipelineGen.Spec/AnalyzerReleases.Unshipped.md"));
        foreach (var d in SpecDiagnostics.All)
            Assert.Contains($"{d.Id} | {d.Category} | {d.DefaultSeverity} | {d.Title}", text);
    }

    [Fact]
    public void Every_task_has_trainers_and_metrics()
    {
        foreach (var task in new[] { TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression })
        {
            Assert.True(TrainerCatalog.NamesFor(task).Count() >= 5, task.ToString());
            Assert.True(MetricCatalog.NamesFor(task).Count() >= 3, task.ToString());
        }
    }

    [Fact]
    public void Diagnostic_prints_in_canonical_msbuild_form()
    {
        var d = SpecDiagnostics.UnknownTrainer.Create("pipeline.yaml", SourceSpan.At(12, 12), "x", "", "binary", "'sdca'");
        Assert.StartsWith("pipeline.yaml(12,12): error PG0201: Unknown trainer 'x'.", d.ToString());
    }

    [Theory]
    [InlineData("protocl", "protocol")]
    [InlineData("lightgmb", "lightgbm")]
    [InlineData("zzzzzz", null)]
    public void Did_you_mean(string given, string? expected) =>
        Assert.Equal(expected, DidYouMean.Closest(given, new[] { "protocol", "lightgbm", "folds" }));
}
