using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Data;
using PipelineGen.Tool.Inference;

namespace PipelineGen.Generator.Tests.Execution;

/// <summary>
/// Issue #8, end to end: one file run through the build tool's inference, the generator's binding (positive class),
/// the run's checks and the generated loader and label mapping, which must all read its values the same way.
/// </summary>
public sealed class ValueReadingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-values-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Xunit.Abstractions.ITestOutputHelper _log;

    public ValueReadingTests(Xunit.Abstractions.ITestOutputHelper log)
    {
        _log = log;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private const string Spec = """
        version: 1
        name: Adult
        task:
          kind: binary
          label: income
          positive_class: ">50K"
        data:
          train: adult.csv
        evaluate:
          protocol: kfold
          folds: 3
        model:
          trainer: lightgbm
          params:
            leaves: 4
            iterations: 10
            min_examples_per_leaf: 3
        """;

    /// <summary>UCI Adult's layout, made up: a space after every comma, " ?" for a missing workclass.</summary>
    private static string AdultShaped(out int positives)
    {
        var rows = new List<string> { "age,workclass,hours,income" };
        string[] workclasses = ["Private", "State-gov", "Self-emp-not-inc", "?"];
        positives = 0;
        for (int i = 0; i < 90; i++)
        {
            int age = 20 + (i * 7) % 45, hours = 20 + (i * 11) % 40;
            bool rich = age + hours > 80 || i % 13 == 0;
            if (rich) positives++;
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{age}, {workclasses[i % 4]}, {hours}, {(rich ? ">50K" : "<=50K")}"));
        }
        return string.Join("\n", rows) + "\n";
    }

    [Fact]
    public void A_label_written_after_a_comma_and_a_space_reaches_the_label_mapping_as_the_tool_reported_it()
    {
        var data = Path.Combine(_dir, "adult.csv");
        File.WriteAllText(data, AdultShaped(out var positives));
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        File.WriteAllText(specPath, Spec);

        // Build: the tool reports the label's values without the blank, so positive_class ">50K" binds (no PG0105).
        var schema = SchemaInferrer.Infer(specPath).Schema;
        Assert.Empty(schema.Diagnostics);
        Assert.Equal(new[] { "<=50K", ">50K" }, schema.Find("income")!.DistinctValues);
        Assert.Equal(new[] { "Private", "Self-emp-not-inc", "State-gov" }, schema.Find("workclass")!.DistinctValues);
        Assert.Equal("numeric", schema.Find("hours")!.Type);

        var run = GeneratorHarness.Run(specPath, Spec, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        var assembly = GeneratorHarness.Load(run);
        var pipeline = GeneratorHarness.CreatePipeline(assembly, "MyApp.AdultPipeline", _dir);

        // Run: the checks find the positive class.
        var scan = DataScan.Run(pipeline.Settings, data);
        Assert.Empty(scan.Errors);
        Assert.Equal(new[] { ("<=50K", 90L - positives), (">50K", (long)positives) }.OrderBy(x => x.Item1, StringComparer.Ordinal),
            scan.LabelCounts.Select(kv => (kv.Key, kv.Value)).OrderBy(x => x.Key, StringComparer.Ordinal));

        // Model: the generated loader and label mapping turn exactly the ">50K" rows into true.
        var ml = new MLContext(1);
        var loaded = pipeline.LoadData(ml, data);
        var prepared = pipeline.BuildPreprocessing(ml).Fit(loaded).Transform(loaded);
        var labels = prepared.GetColumn<bool>("Label").ToArray();
        Assert.Equal(90, labels.Length);
        Assert.Equal(positives, labels.Count(l => l));

        // And the commands that failed with exit code 2 ("the positive class never occurs") now run.
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["evaluate"], pipeline, output, error, runStorePath: Path.Combine(_dir, "runs.db"));
        _log.WriteLine(output.ToString());
        Assert.True(exit is 0 or 1, $"evaluate exited {exit}: {error}\n{output}");
        Assert.DoesNotContain("never occurs", error.ToString() + output);
    }

    [Fact]
    public void Quoted_values_spanning_lines_are_one_row_each_from_the_build_to_the_generated_loader_and_evaluate()
    {
        // reviews_multiline.csv: 17 rows on 23 lines; row 2's and row 7's review and row 5's product span lines.
        var data = Path.Combine(_dir, "reviews.csv");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "reviews_multiline.csv"), data);
        const string spec = """
            version: 1
            name: Reviews
            task:
              kind: binary
              label: recommended
              positive_class: "yes"
            data:
              train: reviews.csv
              columns:
                review: { type: text }
            evaluate:
              protocol: kfold
              folds: 3
            model:
              trainer: lightgbm
              params:
                leaves: 4
                iterations: 5
                min_examples_per_leaf: 2
                threads: 1
            """;
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        File.WriteAllText(specPath, spec);

        // Build: no PG0307/PG0308, every row sampled, the multi-line category among the values.
        var schema = SchemaInferrer.Infer(specPath).Schema;
        Assert.DoesNotContain(schema.Diagnostics, d => d.Id is "PG0303" or "PG0307" or "PG0308");
        Assert.Equal(17, schema.RowsSampled);
        Assert.Contains("toaster\noven", schema.Find("product")!.DistinctValues);
        var run = GeneratorHarness.Run(specPath, spec, schema);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        var pipeline = GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run), "MyApp.ReviewsPipeline", _dir);

        // Run: the scan and the generated loader agree on 17 rows and on the values.
        var scan = DataScan.Run(pipeline.Settings, data);
        Assert.Equal((17L, 0L), (scan.RowCount, scan.BadRowCount));
        var loaded = pipeline.LoadData(new MLContext(1), data);
        var reviews = loaded.GetColumn<ReadOnlyMemory<char>>("review").Select(v => v.ToString()).ToArray();
        Assert.Equal(17, reviews.Length);
        Assert.Equal("Burnt the first slice.\nThe second one too.", reviews[1]);
        Assert.Equal("toaster\noven", loaded.GetColumn<ReadOnlyMemory<char>>("product").ElementAt(4).ToString());

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["evaluate"], pipeline, output, error, runStorePath: Path.Combine(_dir, "runs.db"));
        _log.WriteLine(output.ToString());
        Assert.True(exit is 0 or 1, $"evaluate exited {exit}: {error}\n{output}");
        Assert.Contains("17", output.ToString());
    }

    private IPipelineDefinition Build(string spec, out IReadOnlyList<PipelineGen.Spec.DiagnosticInfo> toolDiagnostics, out IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> reported)
    {
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        File.WriteAllText(specPath, spec);
        var schema = SchemaInferrer.Infer(specPath).Schema;
        toolDiagnostics = schema.Diagnostics.ToArray();
        var run = GeneratorHarness.Run(specPath, spec, schema);
        reported = run.GeneratorDiagnostics;
        var assembly = GeneratorHarness.Load(run);
        return GeneratorHarness.CreatePipeline(assembly, "MyApp.AdultPipeline", _dir);
    }

    [Fact]
    public void A_junk_token_in_a_numeric_column_is_a_build_warning_and_declaring_the_column_numeric_reads_it_as_missing_everywhere()
    {
        // Issue #9: "hours" is numbers except for one "abc" on line 8.
        var lines = AdultShaped(out _).Split('\n').ToList();
        var fields = lines[7].Split(", ");
        fields[2] = "abc"; // hours, line 8 of the file
        lines[7] = string.Join(", ", fields);
        var data = Path.Combine(_dir, "adult.csv");
        File.WriteAllText(data, string.Join("\n", lines));

        // Not declared: the build warns where the junk is and what it made of the column.
        Build(Spec, out var tool, out var reported);
        var warning = Assert.Single(tool);
        Assert.Equal(("PG0140", PipelineGen.Spec.Severity.Warning, data, 8), (warning.Id, warning.Severity, warning.FilePath, warning.Span.StartLine));
        Assert.Contains("'abc' (line 8, column", warning.Message);
        _log.WriteLine(warning.ToString());
        var shown = Assert.Single(reported);
        Assert.Equal("PG0140", shown.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, shown.Severity);
        Assert.Equal(data, shown.Location.GetLineSpan().Path);

        // Declared numeric: the build, the run's checks and the loader all read "abc" as missing, and the run counts it.
        var pipeline = Build(Spec.Replace("  train: adult.csv", "  train: adult.csv\n  columns:\n    hours: { type: numeric }", StringComparison.Ordinal), out tool, out _);
        Assert.Equal("PG0108", Assert.Single(tool).Id);
        var hours = pipeline.Settings.Columns.Single(c => c.Name == "hours");
        Assert.Equal((ColumnKind.Numeric, true, true), (hours.Kind, hours.HasMissing, hours.UnparsableAsMissing));

        var scan = DataScan.Run(pipeline.Settings, data);
        Assert.Equal(0, scan.BadRowCount);
        Assert.Contains(scan.Warnings, w => w.StartsWith("column 'hours' is declared numeric: 1 value(s) that are not numbers were read as missing (first at line 8, column 3: 'abc')", StringComparison.Ordinal));
        var loaded = pipeline.LoadData(new MLContext(1), data).GetColumn<float>("hours").ToArray();
        Assert.Equal(1, loaded.Count(float.IsNaN));
        Assert.True(float.IsNaN(loaded[6])); // line 8 is the 7th row

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["evaluate"], pipeline, output, error, runStorePath: Path.Combine(_dir, "runs.db"));
        _log.WriteLine(output.ToString());
        Assert.Contains("column 'hours' is declared numeric: 1 value(s) that are not numbers were read as missing", output.ToString() + error);
        Assert.True(exit is 0 or 1, $"evaluate exited {exit}: {error}");
    }
}
