using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// A binary trainer without a probability of its own is wrapped in out-of-fold Platt scaling (PipelineSteps.OutOfFoldPlatt);
/// a trainer that outputs a probability is emitted as before.
/// </summary>
public class CalibrationEmitTests
{
    private static string WithTrainer(string trainer) => Fixtures.TitanicSpec.Replace(
        "  trainer: lightgbm\n  params:\n    leaves: 8\n    iterations: 30\n    min_examples_per_leaf: 5",
        $"  trainer: {trainer}\n  params:\n    trees: 20\n    threads: 1");

    [Fact]
    public void An_uncalibrated_binary_trainer_is_wrapped_and_its_fitted_probability_says_how_it_was_made()
    {
        var spec = WithTrainer("fast_forest");
        Assert.NotEqual(Fixtures.TitanicSpec, spec);
        var pipeline = GeneratedPipelines.CreateTitanic(spec, out var source);

        Assert.Contains("var uncalibrated = mlContext.BinaryClassification.Trainers.FastForest(options);", source);
        Assert.Contains("yield return PG::PipelineSteps.OutOfFoldPlatt(mlContext, uncalibrated, Settings.Seed);", source);
        Assert.DoesNotContain("Calibrators.Platt()", source);

        // It fits, at a capacity too (the learning curve's path), and the model has a Probability with the card's note.
        var ml = new MLContext(seed: 1);
        var data = pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "titanic.csv"));
        var prepared = pipeline.BuildPreprocessing(ml).Fit(data).Transform(data);
        var trainer = ((ICapacityAdjustable)pipeline).BuildTrainer(ml, 7).Fit(prepared);
        Assert.Equal(300, trainer.Transform(prepared).GetColumn<float>("Probability").Count());
        Assert.Contains(PreparationLog.DescribeAll(trainer),
            n => n.StartsWith("Probability: Platt scaling fitted on 3-fold out-of-fold scores of 300 rows", StringComparison.Ordinal));
    }

    [Fact]
    public void A_calibrated_binary_trainer_is_not_wrapped()
    {
        GeneratedPipelines.CreateTitanic(Fixtures.TitanicSpec, out var source);
        Assert.Contains("yield return mlContext.BinaryClassification.Trainers.LightGbm(options);", source);
        Assert.DoesNotContain("OutOfFoldPlatt", source);
        Assert.DoesNotContain("Calibrators.Platt", source);
    }
}
