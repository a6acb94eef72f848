using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Metrics of a scored data view (the output of a fitted pipeline: Label, Score, PredictedLabel, Probability), named as
/// in the spec. Kept here so the training steps only need ML.NET's evaluators.
/// </summary>
public static class TrainingMetrics
{
    private static readonly HashSet<string> LowerIsBetter = new(StringComparer.Ordinal) { "log_loss", "rmse", "mae", "mse" };

    public static bool IsLowerBetter(string metric) => LowerIsBetter.Contains(metric);

    /// <summary>The spec's metric, or a task default when the spec names none.</summary>
    public static string ChooseMetric(PipelineSettings settings) => settings.Metric ?? settings.Task switch
    {
        MlTaskKind.BinaryClassification => "auc",
        MlTaskKind.MulticlassClassification => "macro_accuracy",
        _ => "rmse",
    };

    /// <summary>Every metric the task supports, evaluated on <paramref name="scored"/>.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(MLContext ml, MlTaskKind task, IDataView scored)
    {
        try
        {
            return task switch
            {
                MlTaskKind.BinaryClassification => Binary(ml, scored),
                MlTaskKind.MulticlassClassification => Multiclass(ml, scored),
                _ => Regression(ml, scored),
            };
        }
        catch (ArgumentOutOfRangeException e) when (e.Message.Contains("AUC", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Cannot compute AUC: the evaluated rows hold a single class. Use more data or a larger split. ({e.Message})", e);
        }
    }

    public static double Evaluate(MLContext ml, MlTaskKind task, IDataView scored, string metric)
    {
        var all = Evaluate(ml, task, scored);
        return all.TryGetValue(metric, out var value)
            ? value
            : throw new ArgumentException($"Metric '{metric}' is not available for {task} with this trainer (available: {string.Join(", ", all.Keys)}).");
    }

    private static Dictionary<string, double> Binary(MLContext ml, IDataView scored)
    {
        if (scored.Schema.GetColumnOrNull("Probability") is not null)
        {
            var m = ml.BinaryClassification.Evaluate(scored, "Label", "Score", "Probability", "PredictedLabel");
            return new()
            {
                ["accuracy"] = m.Accuracy, ["auc"] = m.AreaUnderRocCurve, ["pr_auc"] = m.AreaUnderPrecisionRecallCurve,
                ["f1"] = m.F1Score, ["precision"] = m.PositivePrecision, ["recall"] = m.PositiveRecall, ["log_loss"] = m.LogLoss,
            };
        }
        // Uncalibrated trainers (FastForest, GAM without calibration): no probability, so no log loss.
        var n = ml.BinaryClassification.EvaluateNonCalibrated(scored, "Label", "Score", "PredictedLabel");
        return new()
        {
            ["accuracy"] = n.Accuracy, ["auc"] = n.AreaUnderRocCurve, ["pr_auc"] = n.AreaUnderPrecisionRecallCurve,
            ["f1"] = n.F1Score, ["precision"] = n.PositivePrecision, ["recall"] = n.PositiveRecall,
        };
    }

    private static Dictionary<string, double> Multiclass(MLContext ml, IDataView scored)
    {
        var m = ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        return new() { ["macro_accuracy"] = m.MacroAccuracy, ["micro_accuracy"] = m.MicroAccuracy, ["log_loss"] = m.LogLoss };
    }

    private static Dictionary<string, double> Regression(MLContext ml, IDataView scored)
    {
        var m = ml.Regression.Evaluate(scored, "Label", "Score");
        return new() { ["rmse"] = m.RootMeanSquaredError, ["mae"] = m.MeanAbsoluteError, ["mse"] = m.MeanSquaredError, ["r2"] = m.RSquared };
    }
}
