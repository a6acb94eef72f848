using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// ML.NET's loader throws mid-cursor on a date/time it cannot parse ("Could not parse value yesterday in line 5"), which
/// surfaced as an unhandled exception from evaluate, train and predict. A date that is not one is a located bad row like
/// a number that is not one; a missing-value token in a date column ('?') is missing, not a crash.
/// </summary>
public sealed class DateTimeValueTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    // when (datetime), x (numeric), label (categorical): the loader reads 'when' as DateTime, as generated code does.
    private static PipelineSettings Settings(string path, BadRowPolicy policy = BadRowPolicy.Fail) => new()
    {
        Name = "Dated",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "label",
        PositiveClass = "yes",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        BadRows = policy,
        MissingValueTokens = ["", "?"],
        Columns =
        [
            TestPipeline.Column("when", 0, ColumnKind.DateTime),
            TestPipeline.Column("x", 1, ColumnKind.Numeric),
            TestPipeline.Column("label", 2, ColumnKind.Categorical, ColumnRole.Label),
        ],
    };

    /// <summary>80 rows, x separating the classes; row <paramref name="bad"/> (0-based) gets 'yesterday' as its date.</summary>
    private string Data(string name, int bad = -1, string blankLinesBefore = "") =>
        _dir.Write(name, "when,x,label\n" + blankLinesBefore + string.Concat(Enumerable.Range(0, 80).Select(i =>
            $"{(i == bad ? "yesterday" : i == 3 ? "?" : $"2019-03-{1 + i % 28:00} 1{i % 10}:00:00")},{i % 2 * 5 + i % 7 * 0.1},{(i % 2 == 1 ? "yes" : "no")}\n")));

    [Fact]
    public void A_date_that_is_not_one_is_a_located_bad_row_and_a_missing_token_is_missing()
    {
        string path = Data("bad.csv", bad: 10);
        var scan = DataScan.Run(Settings(path), path);

        var problem = Assert.Single(scan.Problems);
        Assert.Equal((RowProblemKind.UnparsableDateTime, 12L, 1, "when"), (problem.Kind, problem.LineNumber, problem.ColumnNumber, problem.ColumnName));
        Assert.Contains("'yesterday' is not a date and time", problem.Message);
        Assert.Contains("Fix:", problem.ToString());
        Assert.Equal(1, scan.BadRowCount);
    }

    [Fact]
    public void The_loader_reads_a_missing_token_and_a_bad_date_as_missing_instead_of_throwing()
    {
        string path = Data("load.csv", bad: 10);
        var settings = Settings(path);
        var data = DelimitedData.Load(new MLContext(1), path, settings);

        var when = data.GetColumn<DateTime>("when").ToArray();

        Assert.Equal(80, when.Length);
        Assert.Equal(default, when[3]);   // '?'
        Assert.Equal(default, when[10]);  // 'yesterday' (a bad row: the scan fails or skips it)
        Assert.Equal(new DateTime(2019, 3, 1, 10, 0, 0), when[0]);
    }

    [Fact]
    public void Evaluate_fails_naming_the_line_or_skips_the_row_instead_of_crashing()
    {
        string path = Data("eval.csv", bad: 10);
        var failed = Assert.Throws<DataValidationException>(() =>
            Evaluator.Evaluate(new BinaryPipeline(Settings(path)), new EvaluationOptions { DataPath = path, IncludeModel = false }));
        Assert.Contains("line 12, column 1 ('when')", failed.Message);

        var result = Evaluator.Evaluate(new BinaryPipeline(Settings(path, BadRowPolicy.Skip)), new EvaluationOptions { DataPath = path, IncludeModel = true });
        Assert.Equal(1, result.SkippedBadRowCount);
        Assert.Equal(79, result.UsedRowCount);
    }

    [Fact]
    public void Predict_names_the_input_line_of_a_bad_date_in_a_file_and_refuses_one_in_json()
    {
        string train = Data("train.csv");
        var pipeline = new BinaryPipeline(Settings(train));
        var model = Path.Combine(_dir.Path, "model.zip");
        TrainStep.Train(new MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });
        // Two blank lines before the bad row: the loader's line count over the rewritten file would say line 2.
        var input = _dir.Write("new.csv", "when,x\n2019-03-02 10:00:00,5\n\n\nyesterday,0\n");
        var error = new StringWriter();

        Assert.Equal(2, PredictStep.RunCsv(pipeline, input, Path.Combine(_dir.Path, "new.predictions.csv"), model, TextWriter.Null, error));
        Assert.Contains("line 5, column 1 ('when')", error.ToString());
        Assert.Contains("'yesterday' is not a date and time", error.ToString());

        // A missing date (empty or a missing token) is echoed empty, not as the loader's 0001-01-01.
        var missing = _dir.Write("missing.csv", "when,x\n,5\n?,0\n2019-03-02 10:00:00,5\n");
        var scored = Path.Combine(_dir.Path, "missing.predictions.csv");
        Assert.Equal(0, PredictStep.RunCsv(pipeline, missing, scored, model, TextWriter.Null, TextWriter.Null));
        Assert.Equal(["", "", "2019-03-02T10:00:00.0000000Z"], File.ReadAllLines(scored).Skip(1).Select(l => l.Split(',')[0]));

        // A row from another period is said to be outside the training period, like a number outside its range.
        var later = _dir.Write("later.csv", "when,x\n2019-03-02 10:00:00,5\n2021-07-04 10:00:00,5\n");
        var laterError = new StringWriter();
        Assert.Equal(0, PredictStep.RunCsv(pipeline, later, Path.Combine(_dir.Path, "later.predictions.csv"), model, TextWriter.Null, laterError));
        Assert.Contains("'when': 1 row(s) ('2021-07-04 10:00:00' on line 3): far outside the training range [2019-03-01 10:00:00, 2019-03-28 17:00:00]", laterError.ToString());

        var jsonError = new StringWriter();
        Assert.Equal(2, PredictStep.RunJson(pipeline, """{"when": "yesterday", "x": 0}""", model, TextWriter.Null, jsonError));
        Assert.Contains("'when'", jsonError.ToString());
    }
}
