using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// Issue #17: the loader reads numeric dates month-first, so a day-first file whose days are all 12 or less was read
/// silently swapped. A declared format (ColumnInfo.DateFormat, from data.columns.NAME.format) is what every step reads
/// the column with; without one, a column whose dates read either way is a warning naming the key to set.
/// </summary>
public sealed class DateFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private static PipelineSettings Settings(string path, string? format, BadRowPolicy policy = BadRowPolicy.Fail) => new()
    {
        Name = "DayFirst",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "label",
        PositiveClass = "yes",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        BadRows = policy,
        MissingValueTokens = ["", "?"],
        Columns =
        [
            TestPipeline.Column("when", 0, ColumnKind.DateTime) with { DateFormat = format },
            TestPipeline.Column("x", 1, ColumnKind.Numeric),
            TestPipeline.Column("label", 2, ColumnKind.Categorical, ColumnRole.Label),
        ],
    };

    /// <summary>60 rows of day-first dates, every day 12 or less: 1-12 January to 1-12 May 2019 (month-first: January 1 to December 5).</summary>
    private static DateTime DayFirst(int i) => new(2019, 1 + i / 12, 1 + i % 12);

    private string Data(string name, string extraRow = "") =>
        _dir.Write(name, "when,x,label\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
            $"{DayFirst(i):dd'/'MM'/'yyyy},{i % 2 * 5 + i % 7 * 0.1},{(i % 2 == 1 ? "yes" : "no")}\n")) + extraRow);

    [Fact]
    public void With_the_declared_format_the_loader_and_the_calendar_features_read_the_dates_day_first()
    {
        string path = Data("dayfirst.csv");
        var settings = Settings(path, "dd/MM/yyyy");
        var ml = new MLContext(1);
        var data = DelimitedData.Load(ml, path, settings);

        Assert.Equal(Enumerable.Range(0, 60).Select(DayFirst), data.GetColumn<DateTime>("when"));
        // The model's month and day slots are the day-first ones (month-first, row 1 '02/01/2019' would be month 2, day 1).
        var features = ml.Transforms.DateTimeFeatures("f", "when").Fit(data).Transform(data).GetColumn<float[]>("f").ToArray();
        Assert.Equal(Enumerable.Range(0, 60).Select(i => ((float)DayFirst(i).Month, (float)DayFirst(i).Day)), features.Select(f => (f[1], f[2])));
        Assert.Empty(DataScan.Run(settings, path).AmbiguousDates);
    }

    [Fact]
    public void Without_a_format_dates_that_read_either_way_are_a_warning_naming_the_column_both_readings_and_the_key()
    {
        string path = Data("ambiguous.csv");
        var scan = DataScan.Run(Settings(path, null), path);

        var (column, message) = Assert.Single(scan.AmbiguousDates);
        Assert.Equal("when", column);
        Assert.Contains(message, scan.Warnings);
        // Row 1 is the first value whose day and month differ: 02/01/2019.
        Assert.Contains("'02/01/2019'", message);
        Assert.Contains("month-first (February 1), not day-first (2 January)", message);
        Assert.Contains("declare 'format: dd/MM/yyyy' under data.columns.when", message);

        // One value that reads only month-first settles it: no warning.
        string settled = Data("settled.csv", "03/14/2019,1,no\n");
        Assert.Empty(DataScan.Run(Settings(settled, null), settled).AmbiguousDates);

        // explore says it too, before any number is trusted.
        var report = DataExplorer.Explore(new BinaryPipeline(Settings(path, null)), Exploration.ExplorationFixtures.Options(Path.Combine(_dir.Path, "r.html")) with { SkipLeakage = true });
        Assert.Contains(report.Warnings, w => w.Kind == WarningKind.DateOrder && w.Column == "when" && w.Message == message);
    }

    [Fact]
    public void A_value_that_proves_day_first_says_to_declare_the_format_and_a_value_off_the_format_is_a_located_bad_row()
    {
        string dayFirst = Data("proof.csv", "13/01/2019,1,no\n");
        var problem = Assert.Single(DataScan.Run(Settings(dayFirst, null), dayFirst).Problems);
        Assert.Equal((RowProblemKind.UnparsableDateTime, 62L, 1, "when"), (problem.Kind, problem.LineNumber, problem.ColumnNumber, problem.ColumnName));
        Assert.Contains("'13/01/2019' reads only day-first", problem.ToString());
        Assert.Contains("declare 'format: dd/MM/yyyy' under data.columns.when", problem.ToString());

        string iso = Data("iso.csv", "2019-01-13,1,no\n");
        var off = Assert.Single(DataScan.Run(Settings(iso, "dd/MM/yyyy"), iso).Problems);
        Assert.Equal((RowProblemKind.UnparsableDateTime, 62L, 1, "when"), (off.Kind, off.LineNumber, off.ColumnNumber, off.ColumnName));
        Assert.Contains("'2019-01-13' does not match the column's date format 'dd/MM/yyyy'", off.ToString());
    }

    [Fact]
    public void Train_records_the_format_and_the_day_first_period_and_predict_reads_the_format_or_names_the_line()
    {
        string train = Data("train.csv");
        var pipeline = new BinaryPipeline(Settings(train, "dd/MM/yyyy"));
        var model = Path.Combine(_dir.Path, "model.zip");
        var result = TrainStep.Train(new MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });

        // Month-first the period would be 2019-01-01 to 2019-12-05.
        var date = Assert.Single(result.Card.Dates!);
        Assert.Equal(("when", "dd/MM/yyyy", new DateTime(2019, 1, 1), new DateTime(2019, 5, 12)), (date.Column, date.Format, date.Earliest, date.Latest));
        Assert.Contains("- `when`: dates read in the format `dd/MM/yyyy`; training period 2019-01-01 00:00:00 to 2019-05-12 00:00:00 (UTC)", result.Card.ToMarkdown());

        // A matching value is scored (echoed as the date it was read as); one off the format names its line and the format.
        // Without the format the same file trains month-first, and train says so (a note and the card).
        var notes = new List<string>();
        var unformatted = TrainStep.Train(new MLContext(seed: 1), new BinaryPipeline(Settings(train, null)),
            new TrainOptions { ModelPath = Path.Combine(_dir.Path, "month-first.zip") }, notes.Add);
        Assert.Contains(notes, n => n.Contains("declare 'format: dd/MM/yyyy' under data.columns.when", StringComparison.Ordinal));
        var monthFirst = Assert.Single(unformatted.Card.Dates!);
        Assert.Equal((new DateTime(2019, 1, 1), new DateTime(2019, 12, 5)), (monthFirst.Earliest, monthFirst.Latest));
        Assert.Contains("dates read as ISO 8601 (numeric dates month-first); training period 2019-01-01 00:00:00 to 2019-12-05 00:00:00 (UTC). **Warning**: column 'when' has dates such as '02/01/2019'", unformatted.Card.ToMarkdown());

        var input = _dir.Write("new.csv", "when,x\n12/05/2019,5\n");
        var scored = Path.Combine(_dir.Path, "new.predictions.csv");
        Assert.Equal(0, PredictStep.RunCsv(pipeline, input, scored, model, TextWriter.Null, TextWriter.Null));
        Assert.Equal("2019-05-12T00:00:00.0000000Z", File.ReadAllLines(scored)[1].Split(',')[0]);

        var off = _dir.Write("off.csv", "when,x\n12/05/2019,5\n2019-05-12,0\n");
        var error = new StringWriter();
        Assert.Equal(2, PredictStep.RunCsv(pipeline, off, Path.Combine(_dir.Path, "off.predictions.csv"), model, TextWriter.Null, error));
        Assert.Contains("line 3, column 1 ('when')", error.ToString());
        Assert.Contains("'dd/MM/yyyy'", error.ToString());

        var jsonError = new StringWriter();
        Assert.Equal(2, PredictStep.RunJson(pipeline, """{"when": "2019-05-12", "x": 0}""", model, TextWriter.Null, jsonError));
        Assert.Contains("in the format 'dd/MM/yyyy'", jsonError.ToString());
        Assert.Equal(0, PredictStep.RunJson(pipeline, """{"when": "12/05/2019", "x": 0}""", model, TextWriter.Null, TextWriter.Null));
    }
}
