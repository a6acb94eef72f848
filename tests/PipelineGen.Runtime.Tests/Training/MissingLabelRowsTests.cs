using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>
/// Rows without a label (issue #17). A binary label maps every value but the positive class to false, so a blank
/// label used to be learned and scored as the negative class: every 10th Titanic label blanked moved the holdout AUC
/// and the fitted model. Now those rows are left out of evaluate and train, exactly as if they were not in the file.
/// </summary>
public sealed class MissingLabelRowsTests : IDisposable
{
    private readonly string _blanked = TitanicTestPipeline.NewProjectDirectory();
    private readonly string _removed = TitanicTestPipeline.NewProjectDirectory();

    public MissingLabelRowsTests()
    {
        // survived is the first column; data rows 10, 20, ... lose their label in one project and the row in the other.
        var lines = File.ReadAllLines(Path.Combine(_blanked, "titanic_train.csv"));
        bool Hit(int i) => i > 0 && i % 10 == 0;
        File.WriteAllLines(Path.Combine(_blanked, "titanic_train.csv"), lines.Select((l, i) => Hit(i) ? l[l.IndexOf(',')..] : l));
        File.WriteAllLines(Path.Combine(_removed, "titanic_train.csv"), lines.Where((_, i) => !Hit(i)));
    }

    public void Dispose()
    {
        Directory.Delete(_blanked, recursive: true);
        Directory.Delete(_removed, recursive: true);
    }

    [Fact]
    public void Evaluate_scores_as_if_the_unlabelled_rows_were_not_in_the_file_and_says_where_they_are()
    {
        var blanked = Evaluator.Evaluate(new TitanicTestPipeline(_blanked));
        var removed = Evaluator.Evaluate(new TitanicTestPipeline(_removed));
        Assert.Equal((300L, 270L), (blanked.RowCount, blanked.UsedRowCount));
        Assert.Equal(270L, removed.UsedRowCount);
        foreach (var metric in removed.Model!)
            Assert.Equal(metric.Mean, blanked.Model!.Single(m => m.Name == metric.Name).Mean);
        var warning = Assert.Single(blanked.Warnings, w => w.Contains("have no label value", StringComparison.Ordinal));
        Assert.Contains("30 row(s) of", warning);
        Assert.Contains("('survived', first at line 11)", warning);
        Assert.Contains("left out of evaluation and training", warning);
    }

    [Fact]
    public void Train_fits_the_same_model_as_on_the_file_without_those_rows()
    {
        var options = new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash };
        var blanked = TrainStep.Train(new MLContext(1), new TitanicTestPipeline(_blanked), options);
        var removed = TrainStep.Train(new MLContext(1), new TitanicTestPipeline(_removed), options);
        var scoreBlanked = TestStep.Test(new MLContext(1), new TitanicTestPipeline(_blanked)).Look!.Metrics;
        var scoreRemoved = TestStep.Test(new MLContext(1), new TitanicTestPipeline(_removed)).Look!.Metrics;
        Assert.Equal(scoreRemoved, scoreBlanked);
        Assert.NotNull(blanked.Card);
        Assert.NotNull(removed.Card);
    }
}
