using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>A test file that repeats training rows (issue #17): explore and test say so, natural repeats stay quiet.</summary>
public sealed class TrainingOverlapTests
{
    private static readonly string[] Titanic300 = File.ReadAllLines(CsvTestPipeline.Data("titanic_300.csv"));

    /// <summary>Training: the first 240 data rows of titanic_300; the comparison file: the other 60 plus <paramref name="copied"/>.</summary>
    private static ExplorationReport ExploreSplit(IEnumerable<string> copied)
    {
        var dir = Synthetic.Directory();
        var train = Path.Combine(dir, "train.csv");
        var test = Path.Combine(dir, "test.csv");
        File.WriteAllLines(train, Titanic300.Take(241));
        File.WriteAllLines(test, Titanic300.Take(1).Concat(Titanic300.Skip(241)).Concat(copied));
        var titanic = ExplorationFixtures.Titanic().Settings;
        var pipeline = new CsvTestPipeline(titanic with { TrainDataPath = train, TestDataPath = test, ProjectDirectory = dir });
        return DataExplorer.Explore(pipeline, ExplorationFixtures.Options(Path.Combine(dir, "report.html")) with { SkipLeakage = true });
    }

    [Fact]
    public void Natural_repeats_between_an_honest_split_are_reported_but_not_flagged()
    {
        // Counted with a Python Counter of rows: 22 of the 240 training rows have a copy among them (9.2%), and test
        // rows 2, 21, 35, 56 repeat training rows 187, 127, 33, 65 (binomial p 0.81).
        var report = ExploreSplit([]);
        var overlap = report.Drift!.Overlap!;
        Assert.Equal((240L, 60L, 4L), (overlap.TrainRows, overlap.CompareRows, overlap.OverlapRows));
        Assert.Equal(22 / 240.0, overlap.ExpectedShare, 9);
        Assert.Equal([(2L, 187L), (21L, 127L), (35L, 33L), (56L, 65L)], overlap.Examples.Select(e => (e.RowNumber, e.FirstRowNumber)));
        Assert.Equal(0.8118, overlap.PValue, 3);
        Assert.False(overlap.Flagged);
        Assert.DoesNotContain(report.Warnings, w => w.Kind == WarningKind.TrainingOverlap && w.Severity == WarningSeverity.Serious);
        Assert.Contains(report.Warnings, w => w.Kind == WarningKind.TrainingOverlap && w.Message.Contains("natural repeats"));
    }

    [Fact]
    public void A_test_file_with_training_rows_pasted_in_is_a_serious_finding_naming_rows_and_files()
    {
        // Training rows 1..30 appended after the 60 honest rows: 34 of 90 repeat a training row (binomial p 2.0e-13).
        var report = ExploreSplit(Titanic300.Skip(1).Take(30));
        var overlap = report.Drift!.Overlap!;
        Assert.Equal((90L, 34L), (overlap.CompareRows, overlap.OverlapRows));
        Assert.True(overlap.Flagged);
        Assert.InRange(overlap.PValue, 1e-13, 3e-13);
        var warning = Assert.Single(report.Warnings, w => w.Kind == WarningKind.TrainingOverlap);
        Assert.Equal(WarningSeverity.Serious, warning.Severity);
        Assert.Contains("34 of 90 rows of", warning.Message);
        Assert.Contains("test.csv (37.8%) repeat a row of the training file", warning.Message);
        Assert.Contains("row 2 = training row 187", warning.Message);
        Assert.Contains("inflated", warning.Message);
        Assert.Contains("Remove the repeated rows", warning.Message);
        Assert.Equal(1, ExploreCommand.ExitCode(report));
    }

    [Fact]
    public void Test_prints_the_metrics_then_exits_1_when_the_test_file_repeats_training_rows()
    {
        var project = TitanicTestPipeline.NewProjectDirectory();
        try
        {
            var pipeline = new TitanicTestPipeline(project);
            Assert.Equal(0, TrainStep.Run(pipeline, new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, TextWriter.Null));
            // The shipped split: 14 of its 100 test rows repeat training rows, as the training file's own 9.3% predicts.
            var output = new StringWriter();
            Assert.Equal(0, TestStep.Run(pipeline, new TestOptions(), output, TextWriter.Null));
            Assert.Contains("Note: 14 of 100 rows of", output.ToString());
            Assert.Contains("natural repeats", output.ToString());

            // Now 50 training rows pasted into the test file.
            var test = Path.Combine(project, "titanic_test.csv");
            File.AppendAllLines(test, File.ReadAllLines(Path.Combine(project, "titanic_train.csv")).Skip(1).Take(50));
            output = new StringWriter();
            var error = new StringWriter();
            Assert.Equal(1, TestStep.Run(pipeline, new TestOptions(), output, error));
            Assert.Contains("auc", output.ToString());
            Assert.Contains("test: the metrics above are not an honest estimate: 64 of 150 rows of", error.ToString());
            Assert.Contains("(42.7%)", error.ToString());
            Assert.Contains("far more than the 9.3% that repeats within the training file predicts", error.ToString());
            Assert.Equal(2, ModelCard.TryRead(Path.Combine(project, ".pipelinegen", "models", "Titanic.zip"))!.TestLooks.Count);
        }
        finally { Directory.Delete(project, recursive: true); }
    }
}
