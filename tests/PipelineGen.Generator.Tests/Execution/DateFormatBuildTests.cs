using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using PipelineGen.Tool.Inference;

namespace PipelineGen.Generator.Tests.Execution;

/// <summary>
/// Issue #17, end to end: a day-first file whose days are all 12 or less, through the build tool's inference and checks,
/// the generator's binding and emitted column list, the generated loader and a real fit. Without a format the build says
/// the dates could be read either way; with 'format: dd/MM/yyyy' every step reads them day-first.
/// </summary>
public sealed class DateFormatBuildTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-datefmt-" + Guid.NewGuid().ToString("N")[..8]);

    public DateFormatBuildTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private const string Spec = """
        version: 1
        name: Visits
        task:
          kind: binary
          label: came_back
          positive_class: "yes"
        data:
          train: visits.csv
        evaluate:
          protocol: kfold
          folds: 3
        model:
          trainer: lightgbm
          params:
            leaves: 4
            iterations: 10
            min_examples_per_leaf: 3
            threads: 1
        """;

    private static string Declared(string column) => Spec.Replace("  train: visits.csv", "  train: visits.csv\n  columns:\n    when: " + column, StringComparison.Ordinal);

    /// <summary>Day-first: 1-12 January to 1-12 June 2019 (month-first these would be January 1 to December 6); came_back follows the day-first month.</summary>
    private static DateTime Visit(int i) => new(2019, 1 + i / 12, 1 + i % 12);

    private string Write(string extraRow = "")
    {
        var path = Path.Combine(_dir, "visits.csv");
        File.WriteAllText(path, "when,spend,came_back\n" + string.Concat(Enumerable.Range(0, 72).Select(i =>
            $"{Visit(i):dd'/'MM'/'yyyy},{10 + i % 9},{(Visit(i).Month <= 3 ? "yes" : "no")}\n")) + extraRow);
        return path;
    }

    private (IPipelineDefinition Pipeline, PipelineGen.Spec.DiagnosticInfo[] Tool, Microsoft.CodeAnalysis.Diagnostic[] Reported) Build(string spec)
    {
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        File.WriteAllText(specPath, spec);
        var schema = SchemaInferrer.Infer(specPath).Schema;
        var run = GeneratorHarness.Run(specPath, spec, schema);
        var pipeline = GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run), "MyApp.VisitsPipeline", _dir);
        return (pipeline, schema.Diagnostics.ToArray(), run.GeneratorDiagnostics.ToArray());
    }

    [Fact]
    public void Without_a_format_the_build_says_the_dates_read_either_way_and_which_format_to_declare()
    {
        var data = Write();

        // Not declared: inferred categorical (the inference never picks an order), with the format to declare.
        var (_, tool, reported) = Build(Spec);
        var categories = Assert.Single(tool);
        Assert.Equal(("PG0145", data, 3), (categories.Id, categories.FilePath, categories.Span.StartLine));
        Assert.Contains("declare 'when: { type: datetime, format: dd/MM/yyyy }' under data.columns; no sampled value settles", categories.Message);
        Assert.Equal("PG0145", Assert.Single(reported).Id);

        // Declared datetime: read month-first, which the build says with the first value that reads either way (line 3).
        var (pipeline, declaredTool, _) = Build(Declared("{ type: datetime }"));
        var either = Assert.Single(declaredTool);
        Assert.Equal(("PG0143", data, 3), (either.Id, either.FilePath, either.Span.StartLine));
        Assert.Contains("'02/01/2019' that read either way: without a format they are read month-first (February 1), not day-first (2 January)", either.Message);
        Assert.Contains("declare 'format: dd/MM/yyyy' under data.columns.when", either.Message);
        Assert.Null(pipeline.Settings.Columns.Single(c => c.Name == "when").DateFormat);

        // One day-first-only value: PG0144 at its line instead of a generic type mismatch.
        Write("13/06/2019,10,no\n");
        var (_, dayFirstTool, _) = Build(Declared("{ type: datetime }"));
        var dayFirst = Assert.Single(dayFirstTool);
        Assert.Equal(("PG0144", 74), (dayFirst.Id, dayFirst.Span.StartLine));
        Assert.Contains("'13/06/2019', which reads only day-first", dayFirst.Message);
    }

    [Fact]
    public void With_the_format_the_generated_pipeline_loads_fits_and_describes_the_dates_day_first()
    {
        var data = Write();
        var (pipeline, tool, reported) = Build(Declared("{ type: datetime, format: dd/MM/yyyy }"));

        Assert.Empty(tool);
        Assert.Empty(reported);
        var when = pipeline.Settings.Columns.Single(c => c.Name == "when");
        Assert.Equal((ColumnKind.DateTime, "dd/MM/yyyy"), (when.Kind, when.DateFormat));
        Assert.Equal(Enumerable.Range(0, 72).Select(Visit), pipeline.LoadData(new MLContext(1), data).GetColumn<DateTime>("when"));

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PipelineApp.Run(["train"], pipeline, output, error) == 0, $"{error}\n{output}");
        var card = File.ReadAllText(ModelCard.MarkdownPath(ModelStore.Resolve(ModelStore.DefaultModelPath(pipeline.Settings))));
        Assert.Contains("- `when`: dates read in the format `dd/MM/yyyy`; training period 2019-01-01 00:00:00 to 2019-06-12 00:00:00 (UTC)", card);

        // A value off the format in the data is named by the build at its line.
        Write("2019-06-13,10,no\n");
        var (_, offTool, _) = Build(Declared("{ type: datetime, format: dd/MM/yyyy }"));
        var off = Assert.Single(offTool);
        Assert.Equal(("PG0108", 74), (off.Id, off.Span.StartLine));
    }
}
