using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Tests.Exploration;
using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Data;

/// <summary>
/// A quoted value with line breaks inside (RFC 4180) is one row with its text intact wherever rows are read: the data
/// scan, the model's loader, explore, tune's split files. reviews_multiline.csv: 17 rows on 23 lines; data row 2
/// (lines 3-4) and row 7 (lines 10-12, an empty line inside) have a multi-line review (text), row 5 (lines 7-8) a
/// multi-line product (categorical); row 17 (lines 22-23) repeats row 2.
/// </summary>
public sealed class MultilineRecordTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private static string File_ => Path.Combine(AppContext.BaseDirectory, "TestData", "evaluation", "reviews_multiline.csv");

    private static PipelineSettings Settings(string path) => new()
    {
        Name = "Reviews",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "recommended",
        PositiveClass = "yes",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        ProjectDirectory = Path.GetDirectoryName(path)!,
        Columns =
        [
            TestPipeline.Column("rating", 0, ColumnKind.Numeric),
            TestPipeline.Column("product", 1, ColumnKind.Categorical),
            TestPipeline.Column("review", 2, ColumnKind.Text),
            TestPipeline.Column("recommended", 3, ColumnKind.Categorical, ColumnRole.Label),
        ],
    };

    [Fact]
    public void The_data_scan_reads_each_multiline_record_as_one_good_row_and_hashes_its_whole_value()
    {
        var scan = DataScan.Run(Settings(File_), File_);

        Assert.Empty(scan.Problems);
        Assert.Equal(17, scan.RowCount);
        Assert.Equal(0, scan.BadRowCount);
        // Row 17 repeats row 2 line break and all; no other pair is equal.
        Assert.Equal(1, scan.Keys.DuplicateRowCount);
        Assert.Equal(1, scan.Keys.DuplicateOf[16]);
    }

    [Fact]
    public void A_bad_row_after_a_multiline_record_is_named_by_its_own_line_and_the_record_by_its_first()
    {
        var lines = File.ReadAllLines(File_).ToList();
        lines.Insert(4, "many,kettle,A rating that is not a number.,no"); // line 5, right after lines 3-4
        lines.Insert(13, "1,blender,\"Open quote,no"); // line 14, right after the record on lines 11-13 (9-11 before the first insert)
        var path = _dir.Write("bad_after.csv", string.Join('\n', lines) + "\n");

        var scan = DataScan.Run(Settings(path), path);

        Assert.Equal(19, scan.RowCount);
        Assert.Equal([5L, 14L], scan.Problems.Select(p => p.LineNumber));
        Assert.Contains("'many' is not a number", scan.Problems[0].Message);
        Assert.Contains("never closed (nor on the next 50 lines)", scan.Problems[1].Message);
        Assert.Equal([1, 3], scan.Problems.Select(p => p.ColumnNumber));
        // The rows are those of the file: data row 3 is the bad one on line 5, row 2 the record on lines 3-4.
        Assert.True(scan.IsBadRow(2));
        Assert.False(scan.IsBadRow(1));
    }

    [Fact]
    public void A_quote_closed_on_a_later_line_without_making_one_row_names_both_lines_and_reads_each_line_as_a_row()
    {
        // The quote opened on line 2 closes on line 3, but lines 2-3 read as one row have 5 fields, not 4.
        var path = _dir.Write("unjoined.csv", "rating,product,review,recommended\n1,kettle,\"Loud\nvery\",x,no\n2,toaster,Fine.,yes\n");

        var scan = DataScan.Run(Settings(path), path);

        Assert.Equal(3, scan.RowCount);
        var first = scan.Problems[0];
        Assert.Equal((2L, 3), (first.LineNumber, first.ColumnNumber));
        Assert.Contains("is closed on line 3, but lines 2-3 do not read as one row of 4 fields", first.Message);
        Assert.False(scan.IsBadRow(2));
    }

    [Fact]
    public void The_loader_sees_each_multiline_record_as_one_row_with_its_line_breaks()
    {
        var settings = Settings(File_);
        var data = DelimitedData.Load(new MLContext(seed: 1), File_, settings);

        var reviews = data.GetColumn<ReadOnlyMemory<char>>("review").Select(v => v.ToString()).ToArray();
        var products = data.GetColumn<ReadOnlyMemory<char>>("product").Select(v => v.ToString()).ToArray();
        var ratings = data.GetColumn<float>("rating").ToArray();

        Assert.Equal(17, reviews.Length);
        Assert.Equal("Burnt the first slice.\nThe second one too.", reviews[1]);
        Assert.Equal("toaster\noven", products[4]);
        Assert.Equal("Lid broke; \"sturdy\" it is not.\n\nReturned it.", reviews[6]);
        // The rows after each record are where they belong.
        Assert.Equal([5f, 2f, 4f, 1f, 5f, 3f, 2f, 4f], ratings.Take(8));
        Assert.Equal("Even browning.", reviews[7]);
    }

    [Fact]
    public void Explore_profiles_the_multiline_values_and_finds_the_repeated_record()
    {
        var pipeline = new CsvTestPipeline(Settings(File_));
        var report = DataExplorer.Explore(pipeline, ExplorationFixtures.Options() with { SkipLeakage = true });

        Assert.Equal(17, report.RowCount);
        var product = report.Columns.Single(c => c.Name == "product");
        Assert.Contains(product.TopValues, v => v.Value == "toaster\noven" && v.Count == 1);
        Assert.Equal(4, product.Distinct);
        Assert.Equal(1, report.Duplicates.DuplicateRows);
        Assert.Equal([(17L, 2L)], report.Duplicates.Examples.Select(e => (e.RowNumber, e.FirstRowNumber)));
    }

    [Fact]
    public void Tunes_split_files_keep_each_multiline_record_whole_in_the_scans_row_order()
    {
        var settings = Settings(File_);
        // Data rows 2, 5 and 7 (the three multi-line records) and row 9 held back; the rest searched.
        int[] assignment = Enumerable.Range(0, 17).Select(r => r is 1 or 4 or 6 or 8 ? 1 : 0).ToArray();
        var split = new DataSplit(0, 0, assignment, validationFold: 1);
        string search = Path.Combine(_dir.Path, "search.csv"), hold = Path.Combine(_dir.Path, "hold.csv");

        PipelineTuner.WriteParts(File_, settings, split, search, hold);

        var holdScan = DataScan.Run(settings, hold);
        var searchScan = DataScan.Run(settings, search);
        Assert.Equal((4L, 13L, 0L), (holdScan.RowCount, searchScan.RowCount, holdScan.BadRowCount + searchScan.BadRowCount));
        var held = DelimitedData.Load(new MLContext(seed: 1), hold, settings).GetColumn<ReadOnlyMemory<char>>("review").Select(v => v.ToString());
        Assert.Equal(["Burnt the first slice.\nThe second one too.", "Bakes well, roomy.", "Lid broke; \"sturdy\" it is not.\n\nReturned it.", "Stopped working."], held);
    }
}
