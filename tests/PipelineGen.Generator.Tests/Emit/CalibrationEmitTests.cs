using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Preparation;
using Xunit.Abstractions;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>
/// A binary trainer without a probability of its own is wrapped in out-of-fold Platt scaling (PipelineSteps.OutOfFoldPlatt),
/// and inside multiclass one-versus-all too (PipelineSteps.OneVersusAllOutOfFoldPlatt); a trainer that outputs a
/// probability is emitted as before.
/// </summary>
public class CalibrationEmitTests(ITestOutputHelper output)
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

    // ML.NET's multiclass SdcaNonCalibrated scores are the raw linear scores (no softmax), so the spec's multiclass
    // sdca_noncalibrated is the binary SdcaNonCalibrated in one-versus-all, each class Platt-scaled out of fold.
    private static readonly string IrisSdcaSpec = Fixtures.IrisSpec
        .Replace("name: Iris", "name: IrisSdca")
        .Replace("  trainer: sdca\n  params: { iterations: 50 }",
            "  trainer: sdca_noncalibrated\n  params: { iterations: 30, l2_regularization: 0.001, l1_regularization: 0, threads: 1 }");

    [Fact]
    public void Multiclass_sdca_noncalibrated_is_one_versus_all_with_out_of_fold_platt_and_its_scores_are_probabilities()
    {
        Assert.Contains("trainer: sdca_noncalibrated", IrisSdcaSpec);
        var run = GeneratorHarness.Run(Path.Combine(Fixtures.TestData, "pipeline.yaml"), IrisSdcaSpec, Fixtures.IrisSchema);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileErrors);
        var text = run.Source("IrisSdca.PipelineGen.g.cs");
        // The spec's hyperparameters set the binary trainer's options.
        Assert.Contains("var options = new ML::Trainers.SdcaNonCalibratedBinaryTrainer.Options", text);
        Assert.Contains("MaximumNumberOfIterations = 30,", text);
        Assert.Contains("var binary = mlContext.BinaryClassification.Trainers.SdcaNonCalibrated(options);", text);
        Assert.Equal(1, Occurrences(text, "yield return PG::PipelineSteps.OneVersusAllOutOfFoldPlatt(mlContext, binary, Settings.Seed);"));
        SnapshotFile.AssertMatches("MulticlassSdcaNonCalibrated.g.cs", text);

        var (pipeline, _) = GeneratedPipelines.Create(GeneratorHarness.Load(run), "IrisSdca");
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "iris.csv")), testFraction: 0.3, seed: 1);
        var model = pipeline.BuildPipeline(ml).Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        foreach (var s in scores.Take(5))
            output.WriteLine(string.Join(", ", s.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));

        Assert.All(scores, s => Assert.All(s, v => Assert.InRange(v, 0f, 1f)));
        Assert.All(scores, s => Assert.Equal(1.0, s.Sum(), 1e-5));
        Assert.Equal(scores.Select(s => (uint)Array.IndexOf(s, s.Max()) + 1), predicted);
        // Held-out log loss (nats) against the prior's: the training rows' class shares as every row's probabilities.
        var trainLabels = split.TrainSet.GetColumn<string>("species").ToArray();
        var testLabels = split.TestSet.GetColumn<string>("species").ToArray();
        var logLoss = labels.Select((l, i) => -Math.Log(scores[i][l - 1])).Average();
        var prior = testLabels.Select(l => -Math.Log((double)trainLabels.Count(t => t == l) / trainLabels.Length)).Average();
        output.WriteLine($"held-out log loss {logLoss:F4} nats, prior's {prior:F4} ({labels.Length} rows)");
        Assert.True(double.IsFinite(logLoss) && logLoss < prior, $"log loss {logLoss}, prior's {prior}");
        Assert.Contains(PreparationLog.DescribeAll(model), n => n.StartsWith(
            "Probability: one-versus-all over 3 classes, each class's binary model (the class against the rest) Platt-scaled on 3-fold out-of-fold scores", StringComparison.Ordinal));

        // The saved model loads and scores the same.
        var path = Path.Combine(Path.GetTempPath(), $"pg-sdca-ova-{Guid.NewGuid():N}.zip");
        try
        {
            ModelStore.Save(ml, model, split.TrainSet.Schema, path);
            var loaded = ModelStore.Load(new MLContext(seed: 2), path, out _).Transform(split.TestSet);
            Assert.Equal(predicted, loaded.GetColumn<uint>("PredictedLabel"));
            var loadedScores = loaded.GetColumn<float[]>("Score").ToArray();
            for (int i = 0; i < scores.Length; i++)
                Assert.Equal(scores[i], loadedScores[i], (a, b) => Math.Abs(a - b) < 1e-6);
        }
        finally { File.Delete(path); }
    }

    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;
}
