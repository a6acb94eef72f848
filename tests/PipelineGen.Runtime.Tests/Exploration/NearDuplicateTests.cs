using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Exploration;
using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>Near-duplicates: planted case, punctuation and whitespace variants of text rows are counted exactly, look-alikes are not.</summary>
public class NearDuplicateTests
{
    private static CsvTestPipeline Pipeline() => CsvTestPipeline.For(CsvTestPipeline.Data("near_duplicates.csv"),
        MlTaskKind.BinaryClassification, "label",
        new Dictionary<string, ColumnKind> { ["id"] = ColumnKind.Numeric, ["review"] = ColumnKind.Text },
        roles: new Dictionary<string, ColumnRole> { ["id"] = ColumnRole.Id }, positiveClass: "pos");

    [Fact]
    public void Planted_near_duplicates_are_counted_apart_from_the_exact_one_with_their_first_rows()
    {
        var pipeline = Pipeline();
        var report = DataExplorer.Explore(pipeline, ExplorationFixtures.Options());

        var d = report.Duplicates;
        Assert.Equal(1, d.DuplicateRows); // row 5 repeats row 1 exactly: not a near-duplicate as well
        Assert.Equal([(5L, 1L)], d.Examples.Select(e => (e.RowNumber, e.FirstRowNumber)));
        // Not: row 7 (another source), 10 (another label), 12 ('Web' in a categorical column keeps its case).
        Assert.Equal(5, d.NearDuplicateRows);
        Assert.Equal([(3L, 1L), (4L, 1L), (6L, 2L), (9L, 8L), (13L, 11L)], d.NearExamples.Select(e => (e.RowNumber, e.FirstRowNumber)));
        Assert.Equal(100.0 * 5 / 33, d.NearPercent, 9);
        Assert.True(d.NearExact);
        Assert.Contains(report.Warnings, w => w.Kind == WarningKind.Duplicates && w.Message.StartsWith("5 rows (15.2%) equal an earlier row", StringComparison.Ordinal));

        // Across the splits evaluate would make: recounted here from the plan's own folds.
        var plan = SplitPlanner.Plan(DataScan.Run(pipeline.Settings, pipeline.Settings.TrainDataPath).Keys, pipeline.Settings.Evaluation, pipeline.Settings.Task);
        int apart = d.NearExamples.Count(e => plan.Splits.Any(s => s.IsValidation(e.RowNumber - 1) != s.IsValidation(e.FirstRowNumber - 1)));
        Assert.Equal(apart, d.NearAcrossSplits);
        Assert.Equal(plan.Description, d.Splits);

        var console = new StringWriter();
        ExplorationConsole.Write(report, console);
        Assert.Contains("Near-duplicate rows: 5 (15.2%)", console.ToString());
        Assert.Contains("  row 3 ~ row 1: ", console.ToString());
    }

    [Theory]
    [InlineData("  GREAT   movie ", true, "great movie")]
    [InlineData("\"Okay, film\"!", true, "okay film")]
    [InlineData("don't  stop", true, "dont stop")]
    [InlineData(" Web ", false, "Web")]
    [InlineData("a,b", false, "a,b")]
    public void Normalise_trims_every_cell_and_folds_case_punctuation_and_spaces_only_in_text(string value, bool text, string expected) =>
        Assert.Equal(expected, NearDuplicateTracker.Normalise(value, text));
}
