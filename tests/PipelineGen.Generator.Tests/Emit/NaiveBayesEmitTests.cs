using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Training;
using static PipelineGen.Generator.Tests.Harness.GeneratedPipelines;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// Multiclass naive Bayes scores per-class log likelihoods; the generated pipeline follows it with their softmax
/// (PipelineSteps.Posterior), so Score is the model's class probabilities wherever it is read (issue #17).
/// </summary>
public class NaiveBayesEmitTests
{
    [Fact]
    public void Generated_naive_bayes_scores_are_its_posterior_with_the_same_predictions()
    {
        var spec = Fixtures.NaiveBayesIrisSpec;
        Assert.NotEqual(Fixtures.IrisSpec, spec);
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), spec, Fixtures.IrisSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        var source = string.Join("\n", run.Output.SyntaxTrees.Select(t => t.ToString()));
        Assert.Contains("yield return PG::PipelineSteps.Posterior(mlContext);", source);

        var (pipeline, _, ml, _, split, model) = Fit(GeneratorHarness.Load(run), "Iris", "iris.csv");
        var scored = model.Transform(split.TestSet);
        var probabilities = scored.GetColumn<float[]>("Score").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        Assert.NotEmpty(probabilities);
        for (int i = 0; i < probabilities.Length; i++)
        {
            Assert.All(probabilities[i], p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(1.0, probabilities[i].Sum(p => (double)p), 5);
            Assert.Equal(Array.IndexOf(probabilities[i], probabilities[i].Max()) + 1, (int)predicted[i]);
        }

        // The trainer alone (what main generated) predicts the same classes; its log loss was the clamp, 34.54.
        var preparation = pipeline.BuildPreprocessing(ml).Fit(split.TrainSet);
        var old = ml.MulticlassClassification.Trainers.NaiveBayes("Label", "Features").Fit(preparation.Transform(split.TrainSet))
            .Transform(preparation.Transform(split.TestSet));
        Assert.Equal(old.GetColumn<uint>("PredictedLabel"), predicted);
        Assert.True(ml.MulticlassClassification.Evaluate(old).LogLoss > 34);
        var logLoss = ml.MulticlassClassification.Evaluate(scored).LogLoss;
        Assert.True(double.IsFinite(logLoss) && logLoss < 34, $"log loss {logLoss}");

        Assert.Contains(PreparationLog.DescribeAll(model), n => n == PosteriorScores.Note);
    }
}
