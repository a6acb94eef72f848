using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Tuning.Ensembles;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// Binary accuracy, f1, precision and recall count the decisions predict makes: at the spec's task.threshold on
/// Probability when it names one, else the model's own PredictedLabel. Threshold-free metrics (auc, log_loss) do not move.
/// </summary>
public sealed class ThresholdMetricsTests
{
    private sealed class Row
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    // Probabilities 0.1 .. 0.9; the model's own decision is Score > 0, i.e. Probability > 0.5.
    private static readonly float[] Probabilities = [0.1f, 0.2f, 0.35f, 0.4f, 0.45f, 0.6f, 0.7f, 0.9f];
    private static readonly bool[] Labels = [false, false, true, false, true, false, true, true];

    private static IDataView Scored(MLContext ml) => ml.Data.LoadFromEnumerable(Probabilities.Select((p, i) => new Row
    {
        Label = Labels[i], Probability = p, Score = MathF.Log(p / (1 - p)), PredictedLabel = p > 0.5f,
    }));

    [Fact]
    public void The_spec_threshold_decides_the_counted_metrics_and_leaves_the_ranking_alone()
    {
        var ml = new MLContext(1);
        var atModel = MetricComputer.Compute(ml, MlTaskKind.BinaryClassification, Scored(ml), "test", new List<string>());
        var atThreshold = MetricComputer.Compute(ml, MlTaskKind.BinaryClassification, Scored(ml), "test", new List<string>(), decisionThreshold: 0.3);

        // Model's decision (> 0.5): positives 0.6, 0.7, 0.9 -> tp 2, fp 1, fn 2, correct 5 of 8.
        Assert.Equal(5 / 8.0, atModel["accuracy"]!.Value, 9);
        Assert.Equal(2 / 3.0, atModel["precision"]!.Value, 9);
        Assert.Equal(2 / 4.0, atModel["recall"]!.Value, 9);
        // At 0.3 (>= 0.3): positives 0.35 .. 0.9 -> tp 4, fp 2, fn 0, correct 6 of 8.
        Assert.Equal(6 / 8.0, atThreshold["accuracy"]!.Value, 9);
        Assert.Equal(4 / 6.0, atThreshold["precision"]!.Value, 9);
        Assert.Equal(1.0, atThreshold["recall"]!.Value, 9);
        Assert.Equal(2 * (4 / 6.0) / (4 / 6.0 + 1), atThreshold["f1"]!.Value, 9);
        Assert.Equal(atModel["auc"]!.Value, atThreshold["auc"]!.Value, 12);
        Assert.Equal(atModel["log_loss"]!.Value, atThreshold["log_loss"]!.Value, 12);

        // Ensemble selection's in-memory scorer decides the same way.
        double[] p = Probabilities.Select(v => (double)v).ToArray(), y = Labels.Select(l => l ? 1.0 : 0.0).ToArray();
        foreach (var metric in new[] { "accuracy", "precision", "recall", "f1" })
        {
            Assert.Equal(atThreshold[metric]!.Value, OutOfFoldMetrics.For(metric, y, true, out _, decisionThreshold: 0.3)!(p), 6);
            Assert.Equal(atModel[metric]!.Value, OutOfFoldMetrics.For(metric, y, true, out _)!(p), 6);
        }
    }
}
