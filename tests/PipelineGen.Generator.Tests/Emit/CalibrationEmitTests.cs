using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// A binary trainer without a probability of its own is wrapped in out-of-fold Platt scaling (PipelineSteps.OutOfFoldPlatt),
/// and inside multiclass one-versus-all too (PipelineSteps.OneVersusAllOutOfFoldPlatt); a trainer that outputs a
/// probability is emitted as before.
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

    // Its own pipeline name, like the other snapshot specs. The spec's trainer is a forest;
    // the search adds a perceptron (no probability either) and SGD (calibrated: plain OneVersusAll).
    private static readonly string IrisOvaSpec = Fixtures.IrisSpec
        .Replace("name: Iris", "name: IrisOva")
        .Replace("  trainer: sdca\n  params: { iterations: 50 }", "  trainer: fast_forest\n  params: { trees: 20, threads: 1 }") + """

        tune:
          strategy: random
          trials: 4
          trainers:
            fast_forest: { trees: { min: 5, max: 30 } }
            averaged_perceptron: { iterations: { min: 1, max: 20 } }
            sgd: { iterations: { min: 5, max: 30 } }
        """;

    [Fact]
    public void An_uncalibrated_binary_trainer_in_one_versus_all_is_calibrated_out_of_fold_and_says_how()
    {
        Assert.Contains("trainer: fast_forest", IrisOvaSpec);
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), IrisOvaSpec, Fixtures.IrisSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var text = run.Source("IrisOva.PipelineGen.g.cs");
        Assert.Contains("var binary = mlContext.BinaryClassification.Trainers.FastForest(options);", text);
        Assert.Contains("var binary = mlContext.BinaryClassification.Trainers.AveragedPerceptron(options);", text);
        // The spec's forest, and the searched forest and perceptron.
        Assert.Equal(3, Occurrences(text, "yield return PG::PipelineSteps.OneVersusAllOutOfFoldPlatt(mlContext, binary, Settings.Seed);"));
        // SGD has a probability of its own: ML.NET's OneVersusAll as before (wrapped, in the searched trainers' indent).
        Assert.Equal(1, Occurrences(text, "yield return mlContext.MulticlassClassification.Trainers.OneVersusAll("));
        Assert.Contains("var binary = mlContext.BinaryClassification.Trainers.SgdCalibrated(options);", text);
        SnapshotFile.AssertMatches("MulticlassOneVersusAll.g.cs", text);

        // It fits on the Iris rows, and the model's note says how its class probabilities were made.
        var (pipeline, _) = GeneratedPipelines.Create(GeneratorHarness.Load(run), "IrisOva");
        var ml = new MLContext(seed: 1);
        var data = pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "iris.csv"));
        var model = pipeline.BuildPipeline(ml).Fit(data);
        Assert.All(model.Transform(data).GetColumn<float[]>("Score"), s => Assert.Equal(1.0, s.Sum(), 1e-5));
        Assert.Contains(PreparationLog.DescribeAll(model), n => n.StartsWith(
            "Probability: one-versus-all over 3 classes, each class's binary model (the class against the rest) Platt-scaled on 3-fold out-of-fold scores of 150 rows", StringComparison.Ordinal));
    }

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;
}
