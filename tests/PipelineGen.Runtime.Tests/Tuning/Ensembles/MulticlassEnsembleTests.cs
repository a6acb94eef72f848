using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tests.Evaluation;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>
/// Multiclass ensembles: the metrics on out-of-fold class probabilities, selection over probability vectors, and the
/// composed model (weighted mean of the members' Score vectors, its argmax as the predicted class) saved and loaded.
/// </summary>
public sealed class MulticlassEnsembleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-mc-ens-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Class_metrics_match_hand_computed_values()
    {
        // 4 rows, 3 classes; truth 0, 1, 2, 2. Argmax: 0, 2, 2, 1 -> micro 2/4; per class: 1/1, 0/1, 1/2 -> macro 0.5.
        double[] p = [0.7, 0.2, 0.1, 0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 0.2, 0.5, 0.3];
        double[] y = [0, 1, 2, 2];
        Assert.Equal(0.5, OutOfFoldMetrics.ForClasses("micro_accuracy", y, 3, out _)!(p), 12);
        Assert.Equal((1 + 0 + 0.5) / 3, OutOfFoldMetrics.ForClasses("macro_accuracy", y, 3, out _)!(p), 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.3) + Math.Log(0.8) + Math.Log(0.3)) / 4, OutOfFoldMetrics.ForClasses("log_loss", y, 3, out _)!(p), 12);
        Assert.Null(OutOfFoldMetrics.ForClasses("auc", y, 3, out var reason));
        Assert.Contains("auc", reason);
    }

    [Fact]
    public void Selection_over_probability_vectors_is_never_worse_than_the_best_member_and_blends_complementary_ones()
    {
        // Two noisy classifiers, wrong on different rows: their average has a lower log-loss than either.
        var random = new Random(5);
        int n = 400, k = 3;
        var y = Enumerable.Range(0, n).Select(_ => (double)random.Next(k)).ToArray();
        double[] Member(int wrongHalf) => Enumerable.Range(0, n).SelectMany(r =>
        {
            bool wrong = (r % 2 == wrongHalf) && random.NextDouble() < 0.4;
            int favoured = wrong ? ((int)y[r] + 1) % k : (int)y[r];
            return Enumerable.Range(0, k).Select(c => c == favoured ? 0.7 : 0.15);
        }).ToArray();
        var a = Member(0);
        var b = Member(1);
        var logLoss = OutOfFoldMetrics.ForClasses("log_loss", y, k, out _)!;
        var selection = CaruanaSelection.Select([new(1, a), new(2, b)], logLoss, higherIsBetter: false, steps: 10);
        Assert.True(selection.Score <= selection.BestSingleScore);
        Assert.True(selection.Score < 0.95 * Math.Min(logLoss(a), logLoss(b)), $"{selection.Score} vs {logLoss(a)}, {logLoss(b)}");
        Assert.Equal(2, selection.Members.Count);
        // The reported score is the score of the reported weights, averaged class by class.
        var blend = Enumerable.Range(0, n * k).Select(i => selection.Members.Sum(m => m.Weight * (m.Trial == 1 ? a : b)[i])).ToArray();
        Assert.Equal(logLoss(blend), selection.Score, 9);
    }

    [Fact]
    public void Composed_multiclass_ensemble_averages_probabilities_predicts_their_argmax_and_round_trips_through_a_model_zip()
    {
        var settings = MulticlassPipeline.Iris().Settings;
        var ml = new MLContext(1);
        var pipelines = new TestPipeline[] { MulticlassPipeline.Iris(), new MulticlassLightGbmPipeline(settings, 4, 0.1), new MulticlassLightGbmPipeline(settings, 16, 0.3) };
        double[] weights = [0.5, 0.3, 0.2];
        var data = pipelines[0].LoadData(ml, settings.TrainDataPath);
        var members = pipelines.Select((p, i) => (Model: (ITransformer)p.BuildPipeline(ml).Fit(data), Weight: weights[i])).ToArray();

        var ensemble = EnsembleModel.Compose(ml, MlTaskKind.MulticlassClassification, data.Schema, members, data);
        var scored = ensemble.Transform(data);
        var blended = Scores(scored);
        var memberScores = members.Select(m => Scores(m.Model.Transform(data))).ToArray();
        Assert.Contains(Enumerable.Range(0, blended.Length), r => Math.Abs(memberScores[0][r][1] - memberScores[2][r][1]) > 0.05);
        var predicted = Text(scored, "PredictedLabelValue");
        string[] classes = ["setosa", "versicolor", "virginica"]; // the order of first occurrence in iris.csv, as the label's keys
        for (int r = 0; r < blended.Length; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                double expected = members.Select((m, i) => m.Weight * memberScores[i][r][c]).Sum();
                Assert.InRange(blended[r][c], expected - 1e-5, expected + 1e-5); // float sums: a tolerance, not rounding
            }
            Assert.Equal(classes[Array.IndexOf(blended[r], blended[r].Max())], predicted[r]);
        }
        // Score's slots keep the members' slot names: predict's column headers and ClassNames.Of name the classes alike.
        Assert.Equal(classes, PipelineGen.Runtime.Prediction.ClassNames.Of<IrisRow>(ml, ensemble));
        // ML.NET's own multiclass evaluator reads it (Score a known-size vector, PredictedLabel a key).
        var metrics = ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        Assert.InRange(metrics.MacroAccuracy, 0.9, 1.0);

        var path = Path.Combine(_dir, "ensemble.zip");
        ModelStore.Save(ml, ensemble, data.Schema, path);
        var fresh = new MLContext(2);
        var loaded = ModelStore.Load(fresh, path, out _);
        var reloaded = loaded.Transform(pipelines[0].LoadData(fresh, settings.TrainDataPath));
        Assert.Equal(blended.Select(v => string.Join(",", v)), Scores(reloaded).Select(v => string.Join(",", v)));
        Assert.Equal(predicted, Text(reloaded, "PredictedLabelValue"));
    }

    /// <summary>iris.csv's columns, as the input type ClassNames.Of reads the model's output schema from.</summary>
    private sealed class IrisRow
    {
        [ColumnName("sepal_length")] public float SepalLength { get; set; }
        [ColumnName("sepal_width")] public float SepalWidth { get; set; }
        [ColumnName("petal_length")] public float PetalLength { get; set; }
        [ColumnName("petal_width")] public float PetalWidth { get; set; }
        [ColumnName("species")] public string Species { get; set; } = "";
    }

    private static float[][] Scores(IDataView data) =>
        data.GetColumn<VBuffer<float>>(data.Schema["Score"]).Select(v => v.DenseValues().ToArray()).ToArray();

    private static string[] Text(IDataView data, string column) =>
        data.GetColumn<ReadOnlyMemory<char>>(data.Schema[column]).Select(v => v.ToString()).ToArray();
}
