using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Tool.Inference;

namespace PipelineGen.Generator.Tests.Execution;

/// <summary>
/// 'data.columns.NAME.missing_values' end to end: the build tool's inference, the binder, the emitted column list and the
/// generated loader and categorical step. pdays codes an unknown value as -1 while -1 is a real balance; job codes it as
/// 'unknown' while 'unknown' is no token elsewhere.
/// </summary>
public sealed class ColumnMissingValuesBuildTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pg-colmissing-" + Guid.NewGuid().ToString("N")[..8]);

    public ColumnMissingValuesBuildTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private const string Spec = """
        version: 1
        name: Bank
        task:
          kind: binary
          label: y
          positive_class: "yes"
        data:
          train: bank.csv
          columns:
            pdays: { missing_values: ["-1"] }
            job: { missing_values: ["unknown"] }
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

    [Fact]
    public void The_generated_pipeline_reads_a_columns_own_token_as_missing_there_and_as_a_value_elsewhere()
    {
        // Every 4th row has pdays -1 (never contacted) and balance -1 (a real overdraft); every 5th job is 'unknown'.
        var rows = Enumerable.Range(0, 60).Select(i => string.Join(',',
            i % 4 == 0 ? "-1" : (3 + i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture),
            i % 4 == 0 ? "-1" : (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            i % 5 == 0 ? "unknown" : i % 2 == 0 ? "admin" : "technician",
            i % 3 == 0 ? "yes" : "no"));
        var data = Path.Combine(_dir, "bank.csv");
        File.WriteAllText(data, "pdays,balance,job,y\n" + string.Join("\n", rows) + "\n");
        var specPath = Path.Combine(_dir, "pipeline.yaml");
        File.WriteAllText(specPath, Spec);

        var schema = SchemaInferrer.Infer(specPath).Schema;
        Assert.Equal(("numeric", 15), (schema.Find("pdays")!.Type, schema.Find("pdays")!.MissingCount));
        Assert.Equal(("numeric", 0), (schema.Find("balance")!.Type, schema.Find("balance")!.MissingCount));
        var run = GeneratorHarness.Run(specPath, Spec, schema);
        Assert.Empty(run.GeneratorDiagnostics);
        var pipeline = GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run), "MyApp.BankPipeline", _dir);

        Assert.Equal(new[] { "-1" }, pipeline.Settings.Columns.Single(c => c.Name == "pdays").MissingTokens);
        Assert.Empty(pipeline.Settings.Columns.Single(c => c.Name == "balance").MissingTokens);
        var ml = new MLContext(1);
        var loaded = pipeline.LoadData(ml, data);
        Assert.All(loaded.GetColumn<float>("pdays").Where((_, i) => i % 4 == 0), v => Assert.True(float.IsNaN(v)));
        Assert.All(loaded.GetColumn<float>("balance").Where((_, i) => i % 4 == 0), v => Assert.Equal(-1f, v));

        // The filled values: pdays' gaps take its mean (of 3..9), balance keeps -1; job's 'unknown' is the (missing) category.
        var prepared = pipeline.BuildPreprocessing(ml).Fit(loaded).Transform(loaded);
        var pdays = prepared.GetColumn<float>("__Pdays").ToArray();
        Assert.All(pdays.Where((_, i) => i % 4 == 0), v => Assert.InRange(v, 3f, 9f));
        Assert.All(prepared.GetColumn<float>("__Balance").Where((_, i) => i % 4 == 0), v => Assert.Equal(-1f, v));
        Assert.Contains("(missing)", prepared.GetColumn<string>("__Job_filled"));
        Assert.DoesNotContain("unknown", prepared.GetColumn<string>("__Job_filled"));

        // Training reads the same way (its scan and profile): it runs without a bad row.
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PipelineApp.Run(["train"], pipeline, output, error) == 0, $"{error}\n{output}");
    }
}
