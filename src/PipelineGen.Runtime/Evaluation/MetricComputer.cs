using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Computes the task's metrics on a scored view (columns <c>Label</c>, <c>Score</c>, <c>PredictedLabel</c> and, for
/// calibrated binary models, <c>Probability</c>) with ML.NET's own evaluators, except binary pr_auc (see
/// <see cref="AveragePrecision"/>). A metric that is not defined on the
/// data (e.g. AUC without a positive example, or NaN) is null and comes with a warning; NaN never leaves here.
/// Binary: accuracy, f1, precision and recall count the decisions <c>predict</c> makes, so with the spec's
/// <c>task.threshold</c> a row is positive when <c>Probability</c> is at or above it (not ML.NET's <c>Score &gt; 0</c>).
/// </summary>
internal static class MetricComputer
{
    public static IReadOnlyDictionary<string, double?> Compute(
        MLContext mlContext, MlTaskKind task, IDataView scored, string where, ICollection<string> warnings, double? decisionThreshold = null)
    {
        scored = Decided(task, scored, decisionThreshold);
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

    /// <summary>
    /// <paramref name="scored"/> with <c>PredictedLabel</c> at the decision threshold (binary, calibrated, threshold set);
    /// otherwise unchanged. A model without probabilities cannot take one, as in <c>predict</c>.
    /// </summary>
    public static IDataView Decided(MlTaskKind task, IDataView scored, double? decisionThreshold) =>
        task == MlTaskKind.BinaryClassification && decisionThreshold is double t && scored.Schema.GetColumnOrNull("Probability") is not null
            ? Training.DecisionThreshold.Apply(scored, t)
            : scored;

    private static void ComputeBinary(MLContext mlContext, IDataView scored, string where, ICollection<string> warnings, Dictionary<string, double?> values)
    {
        var c = CountBinary(scored);
        long positives = c.Tp + c.Fn, negatives = c.Fp + c.Tn, correct = c.Tp + c.Tn;
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
        values["auc"] = metrics.AreaUnderRocCurve;
        // Not ML.NET's AreaUnderPrecisionRecallCurve: it steps through tied scores one row at a time in row order, so a
        // constant score (the prior baseline) scored anything from below the positive rate up to 1.
        values["pr_auc"] = AveragePrecision(scored);
        // Counted from PredictedLabel, not taken from ML.NET: its evaluator decides by Score > 0 whatever PredictedLabel
        // says, so it would ignore the decision threshold. No predicted positive: precision (and f1) 0, as ML.NET gives.
        double precision = c.Tp + c.Fp == 0 ? 0 : c.Tp / (double)(c.Tp + c.Fp), recall = c.Tp / (double)positives;
        values["accuracy"] = correct / (double)(positives + negatives);
        values["precision"] = precision;
        values["recall"] = recall;
        values["f1"] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        values["log_loss"] = calibrated ? ((CalibratedBinaryClassificationMetrics)metrics).LogLoss : null;
    }

    /// <summary>
    /// The area under the precision-recall curve as average precision: Σ (recallₖ − recallₖ₋₁) · precisionₖ over the
    /// distinct scores from the highest down, all rows with one score counted together as one threshold. It depends
    /// on the ranking only, not on the row order, and a constant score gets exactly the positive rate (the
    /// precision-recall baseline). NaN when a score is NaN or there is no positive row.
    /// </summary>
    internal static double AveragePrecision(IDataView scored)
    {
        var rows = BinaryScores.Read(scored);
        if (rows.Exists(r => float.IsNaN(r.Score))) return double.NaN;
        long positives = rows.LongCount(r => r.Label);
        if (positives == 0) return double.NaN;
        rows.Sort((a, b) => b.Score.CompareTo(a.Score));
        long tp = 0, fp = 0;
        double area = 0, previousRecall = 0;
        for (int i = 0; i < rows.Count;)
        {
            float threshold = rows[i].Score;
            for (; i < rows.Count && rows[i].Score == threshold; i++)
                if (rows[i].Label) tp++; else fp++;
            double recall = tp / (double)positives;
            area += (recall - previousRecall) * tp / (tp + fp);
            previousRecall = recall;
        }
        return area;
    }

    private static (long Tp, long Fp, long Fn, long Tn) CountBinary(IDataView scored)
    {
        var label = scored.Schema["Label"];
        var predicted = scored.Schema["PredictedLabel"];
        if (label.Type != BooleanDataViewType.Instance)
            throw new InvalidOperationException($"A binary pipeline's Label column must be Boolean; it is {label.Type}.");
        long tp = 0, fp = 0, fn = 0, tn = 0;
        using var cursor = scored.GetRowCursor([label, predicted]);
        var getLabel = cursor.GetGetter<bool>(label);
        var getPredicted = cursor.GetGetter<bool>(predicted);
        bool l = false, p = false;
        while (cursor.MoveNext())
        {
            getLabel(ref l);
            getPredicted(ref p);
            if (l && p) tp++; else if (p) fp++; else if (l) fn++; else tn++;
        }
        return (tp, fp, fn, tn);
    }
}
