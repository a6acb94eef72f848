using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// The test look's own sampling error: the bootstrap recomputes each metric from the scored rows, so on all rows it must
/// give exactly the value ML.NET reported (else the metric gets no error), and its spread must be what sampling theory says.
/// </summary>
public class TestLookBootstrapTests
{
    private static (IDataView Scored, IReadOnlyDictionary<string, double> Metrics) Scored(IPipelineDefinition pipeline, double? threshold = null)
    {
        var ml = new MLContext(seed: 1);
        var data = pipeline.LoadData(ml, pipeline.Settings.TrainDataPath!);
        var split = ml.Data.TrainTestSplit(data, 0.3, seed: 1);
        var model = pipeline.BuildPipeline(ml).Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        return (scored, PipelineGen.Runtime.Training.TrainingMetrics.Evaluate(ml, pipeline.Settings.Task, scored, decisionThreshold: threshold));
    }

    public static TheoryData<string> Tasks => ["binary", "binary-threshold", "multiclass", "regression"];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Every_metric_the_look_reports_is_reproduced_and_gets_an_error(string task)
    {
        IPipelineDefinition pipeline = task switch
        {
            "binary" or "binary-threshold" => BinaryPipeline.Titanic(),
            "multiclass" => MulticlassPipeline.Iris(),
            _ => RegressionPipeline.Wine(),
        };
        double? threshold = task == "binary-threshold" ? 0.3 : null;
        var (scored, metrics) = Scored(pipeline, threshold);
        var errors = TestLookBootstrap.StandardErrors(pipeline.Settings.Task, scored, metrics, seed: 7, threshold);
        Assert.Equal(metrics.Keys.Order(), errors.Keys.Order());
        Assert.All(errors, e => Assert.True(e.Value > 0 && double.IsFinite(e.Value), $"{e.Key}: {e.Value}"));
        // Same seed, same errors: a look's recorded error can be recomputed.
        Assert.Equal(errors, TestLookBootstrap.StandardErrors(pipeline.Settings.Task, scored, metrics, seed: 7, threshold));
    }

    [Fact]
    public void The_error_of_accuracy_is_the_binomial_one()
    {
        var (scored, metrics) = Scored(BinaryPipeline.Titanic());
        var errors = TestLookBootstrap.StandardErrors(MlTaskKind.BinaryClassification, scored, metrics, seed: 3);
        long rows = scored.GetColumn<bool>("Label").LongCount();
        double p = metrics["accuracy"], binomial = Math.Sqrt(p * (1 - p) / rows);
        // 200 resamples estimate a standard deviation to about ±5% (1/√400); 20% leaves room without being loose.
        Assert.InRange(errors["accuracy"], 0.8 * binomial, 1.2 * binomial);
    }

    [Fact]
    public void A_metric_the_arrays_do_not_reproduce_gets_no_error()
    {
        var (scored, metrics) = Scored(BinaryPipeline.Titanic());
        var wrong = new Dictionary<string, double>(metrics) { ["auc"] = metrics["auc"] - 0.01 };
        var errors = TestLookBootstrap.StandardErrors(MlTaskKind.BinaryClassification, scored, wrong, seed: 7);
        Assert.DoesNotContain("auc", errors.Keys);
        Assert.Contains("accuracy", errors.Keys);
    }
}
