using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

public class DataScanTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    // x (numeric), flag (boolean), color (categorical), label (categorical)
    private static PipelineSettings Settings(string path, BadRowPolicy policy = BadRowPolicy.Fail) => new()
    {
        Name = "Small",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "label",
        PositiveClass = "yes",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        BadRows = policy,
        Columns =
        [
            TestPipeline.Column("x", 0, ColumnKind.Numeric),
            TestPipeline.Column("flag", 1, ColumnKind.Boolean),
            TestPipeline.Column("color", 2, ColumnKind.Categorical),
            TestPipeline.Column("label", 3, ColumnKind.Categorical, ColumnRole.Label),
        ],
    };

    private const string Header = "x,flag,color,label\n";

    [Fact]
    public void Ragged_row_is_reported_with_line_column_and_a_fix()
    {
        string path = _dir.Write("ragged.csv", Header + "1,true,red,yes\n2,false,blue\n3,true,red,no\n");
        var scan = DataScan.Run(Settings(path), path);

        var problem = Assert.Single(scan.Problems);
        Assert.Equal(RowProblemKind.RaggedRow, problem.Kind);
        Assert.Equal(3, problem.LineNumber);
        Assert.Equal(4, problem.ColumnNumber);
        Assert.Equal("label", problem.ColumnName);
        Assert.Contains("line 3, column 4 ('label')", problem.ToString());
        Assert.Contains("3 field(s); the header has 4", problem.ToString());
        Assert.Contains("Fix:", problem.ToString());
        Assert.Contains(path, problem.ToString());
    }

    [Fact]
    public void Unparsable_number_and_boolean_name_their_column()
    {
        string path = _dir.Write("bad.csv", Header + "1,true,red,yes\n1.5e3,maybe,red,no\nabc,no,blue,yes\nNA,1,?,no\n");
        var scan = DataScan.Run(Settings(path), path);

        Assert.Equal(2, scan.BadRowCount);
        Assert.Collection(scan.Problems,
            p => { Assert.Equal((RowProblemKind.UnparsableBoolean, 3L, 2, "flag"), (p.Kind, p.LineNumber, p.ColumnNumber, p.ColumnName)); Assert.Contains("'maybe' is not a boolean", p.Message); },
            p => { Assert.Equal((RowProblemKind.UnparsableNumber, 4L, 1, "x"), (p.Kind, p.LineNumber, p.ColumnNumber, p.ColumnName)); Assert.Contains("'abc' is not a number", p.Message); });
    }

    [Fact]
    public void Infinite_numbers_are_bad_rows_naming_line_and_column()
    {
        // Penguins with 9 bill lengths written 'Infinity' evaluated (lbfgs, exit 0) at macro accuracy 0.742 instead of
        // 0.975: normalizing a column with an infinity zeroes every other value of it. Overflow (1e999) is infinite too,
        // and so is 1e300: numbers are read as 32-bit floats, where it is infinity (it used to pass and train as one).
        string path = _dir.Write("inf.csv", Header + "1,true,red,yes\nInfinity,true,red,no\n-inf,no,blue,yes\n1e999,1,red,no\n1e300,0,red,yes\n3.4e38,0,red,yes\n");
        var scan = DataScan.Run(Settings(path), path);

        Assert.Equal(4, scan.BadRowCount);
        Assert.Equal([3L, 4L, 5L, 6L], scan.Problems.Select(p => p.LineNumber));
        Assert.Contains("line 6, column 1 ('x'): '1e300' is beyond the range of a 32-bit float (about ±3.4e38), in which numbers are read, so it would be read as infinity.", scan.Problems[3].ToString());
        Assert.All(scan.Problems, p => Assert.Equal((RowProblemKind.UnparsableNumber, 1, "x"), (p.Kind, p.ColumnNumber, p.ColumnName)));
        Assert.Contains("line 3, column 1 ('x'): 'Infinity' is an infinite number. Fix: Usually a division by zero upstream. Write a finite number, or mark the value missing", scan.Problems[0].ToString());
        Assert.Contains("'1e999' is an infinite number", scan.Problems[2].Message);
    }

    [Fact]
    public void A_constant_regression_label_is_an_error_and_a_varying_one_is_not()
    {
        // Every red-wine quality set to 5: explore said nothing, evaluate exited 1 'does not beat the baseline' with
        // r2 undefined on every fold. Now bad input, as a single class is for a classifier. "5.0" is the same value.
        var settings = Settings("") with
        {
            Task = MlTaskKind.Regression,
            LabelColumn = "x",
            PositiveClass = null,
            Columns = [TestPipeline.Column("x", 0, ColumnKind.Numeric, ColumnRole.Label), TestPipeline.Column("flag", 1, ColumnKind.Boolean),
                TestPipeline.Column("color", 2, ColumnKind.Categorical), TestPipeline.Column("label", 3, ColumnKind.Categorical)],
        };
        string constant = _dir.Write("constant.csv", Header + "5,true,red,yes\n5.0,true,red,no\n,no,blue,yes\n5,1,red,no\n");
        var error = Assert.Single(DataScan.Run(settings, constant).Errors);
        Assert.Contains("the label column 'x' has the same value (5) in all 3 labelled row(s): there is nothing to learn", error);
        string varying = _dir.Write("varying.csv", Header + "5,true,red,yes\n6,true,red,no\n");
        Assert.Empty(DataScan.Run(settings, varying).Errors);
    }

    [Fact]
    public void A_numeric_label_written_1_and_1_point_0_has_one_class_per_value()
    {
        // Titanic's survived with every third value written "0.0"/"1.0": 'evaluate' refused '4 classes ... but the task is binary'.
        var settings = Settings("") with
        {
            LabelColumn = "x",
            PositiveClass = "1",
            Columns = [TestPipeline.Column("x", 0, ColumnKind.Numeric, ColumnRole.Label), TestPipeline.Column("flag", 1, ColumnKind.Boolean),
                TestPipeline.Column("color", 2, ColumnKind.Categorical), TestPipeline.Column("label", 3, ColumnKind.Categorical)],
        };
        string path = _dir.Write("spellings.csv", Header + "1,true,red,yes\n0.0,true,red,no\n1.0,no,blue,yes\n0,1,red,no\n1e0,1,red,no\n");
        var scan = DataScan.Run(settings, path);
        Assert.Empty(scan.Errors);
        Assert.Equal([new KeyValuePair<string, long>("1", 3), new KeyValuePair<string, long>("0.0", 2)], scan.LabelCounts);
        Assert.Equal([0, 1, 0, 1, 0], scan.Keys.LabelClass!);
    }

    [Fact]
    public void Unbalanced_quote_is_reported_where_it_opens()
    {
        string path = _dir.Write("quote.csv", Header + "1,true,\"red, dark\",yes\n2,false,\"blue,no\n");
        var scan = DataScan.Run(Settings(path), path);

        var problem = Assert.Single(scan.Problems);
        Assert.Equal(RowProblemKind.UnbalancedQuote, problem.Kind);
        Assert.Equal(3, problem.LineNumber);
        Assert.Equal(3, problem.ColumnNumber);
        Assert.Equal("color", problem.ColumnName);
        Assert.Contains("character 9", problem.Message);
    }

    [Fact]
    public void A_line_break_inside_a_quoted_value_is_one_good_row_numbered_by_its_first_line()
    {
        // The value opened on line 3 is closed on line 5 (RFC 4180 allows it): lines 3-5 are one row, line 6 the next.
        // Before: one bad row "continues onto line 5" and its lines counted as bad rows.
        string path = _dir.Write("multiline.csv", Header + "1,true,red,yes\n2,false,\"blue\n3,true,red,no\ngreen\",no\n4,false,red,no\n");
        var scan = DataScan.Run(Settings(path), path);

        Assert.Equal(3, scan.RowCount);
        Assert.Equal(0, scan.BadRowCount);
        Assert.Empty(scan.Problems);
        Assert.Equal([2L, 3L, 6L], Enumerable.Range(0, 3).Select(r => scan.Keys.Lines.LineOf(r)));
    }

    [Fact]
    public void Two_rows_that_each_leave_a_quote_open_are_both_never_closed()
    {
        string path = _dir.Write("open.csv", Header + "1,true,\"red,yes\n2,false,\"blue,no\n3,true,red,yes\n");
        var scan = DataScan.Run(Settings(path), path);
        Assert.Equal([2L, 3L], scan.Problems.Select(p => p.LineNumber));
        Assert.All(scan.Problems, p => Assert.Contains("is never closed", p.Message));
        Assert.Equal(2, scan.BadRowCount);
    }

    [Fact]
    public void A_header_repeated_mid_file_is_a_bad_row_named_as_such()
    {
        // Before: never named as a repeated header (at most "x is not a number"); its label a class of its own.
        string path = _dir.Write("joined.csv", Header + "1,true,red,yes\n" + Header + "2,false,blue,no\n");
        var scan = DataScan.Run(Settings(path), path);

        var problem = Assert.Single(scan.Problems);
        Assert.Equal(RowProblemKind.HeaderRepeated, problem.Kind);
        Assert.Equal(3, problem.LineNumber);
        Assert.Contains("repeats the header", problem.Message);
        Assert.Equal(1, scan.BadRowCount);
        Assert.True(scan.IsBadRow(1));
        Assert.Equal(2, scan.LabelCounts.Count);
    }

    [Fact]
    public void Fail_policy_throws_listing_the_first_problems()
    {
        string path = _dir.Write("bad.csv", Header + "1,true,red,yes\nabc,true,red,no\n2,true\n4,false,red,no\n");
        var scan = DataScan.Run(Settings(path), path);

        var error = Assert.Throws<DataValidationException>(() => scan.ThrowIfInvalid(BadRowPolicy.Fail));
        Assert.Contains("2 bad row(s)", error.Message);
        Assert.Contains("line 3, column 1 ('x')", error.Message);
        Assert.Contains("line 4, column 3 ('color')", error.Message);
        Assert.Contains("--bad-rows skip", error.Message);
        scan.ThrowIfInvalid(BadRowPolicy.Skip); // skipping is allowed
    }

    [Fact]
    public void Row_indices_follow_the_loader_which_skips_empty_and_comment_lines()
    {
        // The loader yields rows for lines 2, 5, 6 and 7; lines 3 (empty) and 4 (// comment) are not rows.
        string path = _dir.Write("gaps.csv", Header + "1,true,red,yes\n\n//note\nbad,true,red,no\n3,false,blue,no\n4,true,red,yes\n");
        var pipeline = new BinaryPipeline(Settings(path));
        var scan = DataScan.Run(pipeline.Settings, path);

        Assert.Equal(4, scan.RowCount);
        Assert.Equal([false, true, false, false], scan.Keys.Excluded);
        Assert.Equal(5, scan.Problems.Single().LineNumber);

        var data = pipeline.LoadData(new MLContext(1), path);
        var kept = new RowFilterDataView(data, r => !scan.IsBadRow(r));
        Assert.Equal(new float[] { 1, 3, 4 }, kept.GetColumn<float>("x").ToArray());
    }

    [Fact]
    public void Single_class_label_is_an_error_and_an_all_missing_column_a_warning()
    {
        string path = _dir.Write("one.csv", Header + "1,true,,yes\n2,false,NA,yes\n3,true,?,yes\n");
        var scan = DataScan.Run(Settings(path), path);

        var error = Assert.Single(scan.Errors);
        Assert.Contains("single class ('yes')", error);
        Assert.Contains(scan.Warnings, w => w.Contains("column 'color' is missing in every row"));
        Assert.Throws<DataValidationException>(() => scan.ThrowIfInvalid(BadRowPolicy.Skip));
    }

    [Fact]
    public void A_positive_class_absent_from_the_label_is_an_error()
    {
        string path = _dir.Write("positive.csv", Header + "1,true,red,Yes\n2,false,red,No\n");
        var scan = DataScan.Run(Settings(path), path);
        Assert.Contains(scan.Errors, e => e.Contains("the positive class 'yes' never occurs") && e.Contains("'Yes', 'No'"));

        // A numeric label is compared as a number: "1.0" is the positive class "1".
        string numeric = _dir.Write("numeric.csv", Header + "1,true,red,1.0\n2,false,red,0\n");
        var numericSettings = Settings(numeric) with
        {
            PositiveClass = "1",
            Columns = [.. Settings(numeric).Columns.Take(3), TestPipeline.Column("label", 3, ColumnKind.Numeric, ColumnRole.Label)],
        };
        Assert.Empty(DataScan.Run(numericSettings, numeric).Errors);
    }

    [Fact]
    public void Header_that_does_not_match_the_columns_is_an_error()
    {
        string path = _dir.Write("header.csv", "x,flag,colour,label\n1,true,red,yes\n2,false,red,no\n");
        var scan = DataScan.Run(Settings(path), path);
        Assert.Contains(scan.Errors, e => e.Contains("'colour' where the pipeline expects 'color'"));
    }

    [Fact]
    public void Exact_duplicates_are_counted_and_mapped_to_their_first_copy()
    {
        string path = _dir.Write("dups.csv", Header + "1,true,red,yes\n2,false,blue,no\n1,true,red,yes\n\"1\",true,red,yes\n1,true,red,no\n");
        var scan = DataScan.Run(Settings(path), path);

        Assert.Equal(2, scan.Keys.DuplicateRowCount); // a quoted copy is the same value
        Assert.Equal([0, 1, 0, 0, 4], scan.Keys.DuplicateOf);
    }

    [Fact]
    public void Skip_policy_evaluates_without_the_bad_rows_and_counts_them()
    {
        var lines = File.ReadAllLines(TestPipeline.DataPath("titanic.csv")).ToList();
        lines[10] = "0,3,male,twenty,7.25,S";        // line 11: bad number
        lines[20] = "1,1,female,38,71.28";           // line 21: ragged
        lines[30] = "1,1,\"female,38,71.28,C";       // line 31: unbalanced quote
        string path = _dir.Write("titanic_bad.csv", string.Join("\n", lines) + "\n");
        var pipeline = BinaryPipeline.Titanic();

        var failed = Assert.Throws<DataValidationException>(() => Evaluator.Evaluate(pipeline, new EvaluationOptions { DataPath = path, IncludeModel = false }));
        Assert.Contains("line 11, column 4 ('age')", failed.Message);
        Assert.Contains("line 21, column 6 ('embarked')", failed.Message);
        Assert.Contains("line 31, column 3 ('sex')", failed.Message);

        var result = Evaluator.Evaluate(pipeline, new EvaluationOptions { DataPath = path, BadRows = BadRowPolicy.Skip, IncludeModel = false });
        Assert.Equal(3, result.SkippedBadRowCount);
        Assert.Equal(300, result.RowCount);
        Assert.Equal(297, result.UsedRowCount);
        Assert.Equal(297, result.Splits.Sum(s => s.ValidationRows));
    }
}

public class RowFilterDataViewTests
{
    private sealed class Row { public float X { get; set; } public string Name { get; set; } = ""; }

    [Fact]
    public void Keeps_only_predicate_rows_with_the_source_schema_and_fresh_cursors()
    {
        var ml = new MLContext(1);
        var source = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new Row { X = i, Name = "r" + i }));
        var view = new RowFilterDataView(source, r => r % 3 == 0, keptRowCount: 4);

        Assert.Same(source.Schema, view.Schema);
        Assert.Equal(4, view.GetRowCount());
        Assert.Equal(new float[] { 0, 3, 6, 9 }, view.GetColumn<float>("X").ToArray());
        Assert.Equal(["r0", "r3", "r6", "r9"], view.GetColumn<string>("Name").ToArray()); // a second pass starts over

        using var cursor = view.GetRowCursor(view.Schema);
        Assert.Equal(-1, cursor.Position);
        cursor.MoveNext();
        cursor.MoveNext();
        Assert.Equal(1, cursor.Position);
        Assert.True(cursor.IsColumnActive(view.Schema["X"]));
    }
}
