using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Ensembles;

/// <summary>
/// A binary blend's metrics count the predictions it outputs. ML.NET's evaluator decides accuracy, f1, precision and
/// recall by <c>Score &gt; 0</c>, not by <c>PredictedLabel</c>; the blend's Score used to be its probability (never
/// below 0), so <c>test</c>, <c>evaluate</c> with an ensemble pinned and the gates scored it as predicting every row
/// positive (found on credit-g: test accuracy 0.30, the positive rate, recall 1.0, while <c>predict</c> gave 0.77).
/// Real LightGBM fits (1 thread) on the titanic rows, saved and loaded as <c>train</c> and <c>test</c> do.
/// </summary>
public sealed class EnsembleBinaryScoreTests : IDisposable
{
    private readonly string _project = TitanicTestPipeline.NewProjectDirectory();

    public void Dispose() => Directory.Delete(_project, recursive: true);

    [Fact]
    public void The_evaluator_counts_the_blends_own_predictions_after_save_and_load()
    {
        var tuning = new TuningSettings { Space = [SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true)] };
        var pipeline = new TunableTitanicPipeline(_project, tuning);
        var ml = new MLContext(1);
        var train = pipeline.LoadData(ml, Path.Combine(_project, "titanic_train.csv"));
        EnsembleMember[] members = [new(1, 0.6, new Configuration { ["leaves"] = 3 }), new(2, 0.4, new Configuration { ["leaves"] = 32 })];
        var blend = EnsembleBuilder.Fit(pipeline, members, ml, train);
        var path = Path.Combine(_project, "blend.zip");
        ml.Model.Save(blend, train.Schema, path);
        var loaded = ModelStore.Load(ml, path, out _);

        var scored = loaded.Transform(pipeline.LoadData(ml, Path.Combine(_project, "titanic_test.csv")));
        var labels = scored.GetColumn<bool>("Label").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var score = scored.GetColumn<float>("Score").ToArray();

        // The blend predicts both classes here, so a metric that counted every row as positive would differ.
        Assert.Contains(true, predicted);
        Assert.Contains(false, predicted);
        for (int i = 0; i < predicted.Length; i++)
        {
            Assert.Equal(probability[i] > 0.5f, predicted[i]);
            Assert.Equal(predicted[i], score[i] > 0);
            Assert.True(float.IsFinite(score[i]));
        }

        int tp = 0, fp = 0, fn = 0, correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (predicted[i] == labels[i]) correct++;
            if (predicted[i] && labels[i]) tp++;
            if (predicted[i] && !labels[i]) fp++;
            if (!predicted[i] && labels[i]) fn++;
        }
        var metrics = MetricComputer.Compute(ml, MlTaskKind.BinaryClassification, scored, "test", new List<string>());
        Assert.Equal(correct / (double)labels.Length, metrics["accuracy"]!.Value, 9);
        Assert.Equal(tp / (double)(tp + fp), metrics["precision"]!.Value, 9);
        Assert.Equal(tp / (double)(tp + fn), metrics["recall"]!.Value, 9);
        // The ranking is the probability's: AUC from Score equals AUC from Probability.
        double[] p = probability.Select(v => (double)v).ToArray(), y = labels.Select(l => l ? 1.0 : 0.0).ToArray();
        Assert.Equal(OutOfFoldMetrics.Auc(p, y), metrics["auc"]!.Value, 6);
        // The ensemble's in-memory log loss (selection, keep rule, printed beside the trials' scores) is in ML.NET's
        // unit for binary tasks, bits: it used to be in nats, 0.69 times the trials' figures.
        Assert.Equal(metrics["log_loss"]!.Value, OutOfFoldMetrics.For("log_loss", y, true, out _)!(p), 5);
    }
}
