using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Computes the task's metrics on a scored view (columns <c>Label</c>, <c>Score</c>, <c>PredictedLabel</c> and, for
/// calibrated binary models, <c>Probability</c>) with ML.NET's own evaluators. A metric that is not defined on the
/// data (e.g. AUC without a positive example, or NaN) is null and comes with a warning; NaN never leaves here.
/// </summary>
internal static class MetricComputer
{
    public static IReadOnlyDictionary<string, double?> Compute(
        MLContext mlContext, MlTaskKind task, IDataView scored, string where, ICollection<string> warnings)
    {
        var values = new Dictionary<string, double?>(StringComparer.Ordinal);
        switch (task)
        {
            case MlTaskKind.BinaryClassification:
                ComputeBinary(mlContext, scored, where, warnings, values);
                break;
            case MlTaskKind.MulticlassClassification:
                var multi = mlContext.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
                values["macro_accuracy"] = multi.MacroAccuracy;
                values["micro_accuracy"] = multi.MicroAccuracy;
                values["log_loss"] = multi.LogLoss;
                break;
            default:
                var regression = mlContext.Regression.Evaluate(scored, "Label", "Score");
                values["rmse"] = regression.RootMeanSquaredError;
                values["mae"] = regression.MeanAbsoluteError;
                values["mse"] = regression.MeanSquaredError;
                values["r2"] = regression.RSquared;
                break;
        }
        foreach (var name in MetricCatalog.For(task))
        {
            if (!values.TryGetValue(name, out var value)) { values[name] = null; continue; }
            if (value is double v && !double.IsFinite(v))
            {
                values[name] = null;
                warnings.Add($"{where}: {name} is undefined on this data (it came out as {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            }
        }
        return values;
    }

    private static void ComputeBinary(MLContext mlContext, IDataView scored, string where, ICollection<string> warnings, Dictionary<string, double?> values)
    {
        var (positives, negatives, correct) = CountBinary(scored);
        if (positives == 0 || negatives == 0)
        {
            // ML.NET refuses to evaluate (AUC is not defined); accuracy still is.
            values["accuracy"] = positives + negatives == 0 ? null : correct / (double)(positives + negatives);
            warnings.Add($"{where}: the validation part has no {(positives == 0 ? "positive" : "negative")} example, so auc, pr_auc, f1, precision, recall and log_loss are undefined there.");
            return;
        }
        bool calibrated = scored.Schema.GetColumnOrNull("Probability") is not null;
        BinaryClassificationMetrics metrics = calibrated
            ? mlContext.BinaryClassification.Evaluate(scored, "Label", "Score", "Probability", "PredictedLabel")
            : mlContext.BinaryClassification.EvaluateNonCalibrated(scored, "Label", "Score", "PredictedLabel");
        values["accuracy"] = metrics.Accuracy;
        values["auc"] = metrics.AreaUnderRocCurve;
        values["pr_auc"] = metrics.AreaUnderPrecisionRecallCurve;
        values["f1"] = metrics.F1Score;
        values["precision"] = metrics.PositivePrecision;
        values["recall"] = metrics.PositiveRecall;
        values["log_loss"] = calibrated ? ((CalibratedBinaryClassificationMetrics)metrics).LogLoss : null;
    }

    private static (long Positives, long Negatives, long Correct) CountBinary(IDataView scored)
    {
        var label = scored.Schema["Label"];
        var predicted = scored.Schema["PredictedLabel"];
        if (label.Type != BooleanDataViewType.Instance)
            throw new InvalidOperationException($"A binary pipeline's Label column must be Boolean; it is {label.Type}.");
        long positives = 0, negatives = 0, correct = 0;
        using var cursor = scored.GetRowCursor([label, predicted]);
        var getLabel = cursor.GetGetter<bool>(label);
        var getPredicted = cursor.GetGetter<bool>(predicted);
        bool l = false, p = false;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getPredicted(ref p);
            if (l) positives++; else negatives++;
            if (l == p) correct++;
        }
        return (positives, negatives, correct);
    }
}
