using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Computes the task's metrics on a scored view (columns <c>Label</c>, <c>Score</c>, <c>PredictedLabel</c> and, for
/// calibrated binary models, <c>Probability</c>) with ML.NET's own evaluators, except binary pr_auc (see
/// <see cref="AveragePrecision"/>). A metric that is not defined on the
/// data (AUC with one class, precision without a predicted positive, R² with a constant label, or NaN) is null and comes
/// with a warning that says why (<see cref="UndefinedText"/>); NaN never leaves here, and no undefined metric is given a
/// substitute number such as 0.
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
                // R² = 1 − SS_res / SS_tot: with a constant label SS_tot is 0 and ML.NET's float sums give -∞, NaN or,
                // after rounding, a huge finite number. Undefined, not a measured fit.
                values["r2"] = ConstantLabel(scored) ? null : regression.RSquared;
                if (values["r2"] is null)
                    warnings.Add($"{where}: r2 is {UndefinedText("r2")}: every label in this part is the same, so its variance (R²'s denominator) is 0.");
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
        long positives = c.Tp + c.Fn, negatives = c.Fp + c.Tn;
        bool calibrated = scored.Schema.GetColumnOrNull("Probability") is not null;
        // Counted from PredictedLabel, not taken from ML.NET: its evaluator decides by Score > 0 whatever PredictedLabel
        // says, so it would ignore the decision threshold. Each is defined exactly where its denominator is not 0: a
        // model that predicts no positive has no precision (0/0, not 0: ML.NET's 0 would read as "every call wrong").
        foreach (var (name, value) in CountedMetrics(c.Tp, c.Fp, c.Fn, c.Tn))
            values[name] = value;
        if (values["precision"] is null && positives + negatives > 0)
            warnings.Add($"{where}: precision is {UndefinedText("precision")}: the {(where.StartsWith("baseline", StringComparison.Ordinal) ? "baseline" : "model")} called no row positive, so {NoPredictedPositiveEnd}");
        if (positives == 0 || negatives == 0)
        {
            // ML.NET refuses to evaluate (AUC is not defined); what the counts and probabilities define still is.
            if (positives + negatives > 0)
                warnings.Add($"{where}: the validation part has no {(positives == 0 ? "positive" : "negative")} example, so auc{(positives == 0 ? ", pr_auc, recall" : "")} {(positives == 0 ? "are" : "is")} undefined there.");
            double averagePrecision = positives == 0 ? double.NaN : AveragePrecision(scored);
            values["pr_auc"] = double.IsNaN(averagePrecision) ? null : averagePrecision;
            values["log_loss"] = calibrated && positives + negatives > 0 ? BinaryLogLoss(scored) : null;
            return;
        }
        BinaryClassificationMetrics metrics = calibrated
            ? mlContext.BinaryClassification.Evaluate(scored, "Label", "Score", "Probability", "PredictedLabel")
            : mlContext.BinaryClassification.EvaluateNonCalibrated(scored, "Label", "Score", "PredictedLabel");
        values["auc"] = metrics.AreaUnderRocCurve;
        // Not ML.NET's AreaUnderPrecisionRecallCurve: it steps through tied scores one row at a time in row order, so a
        // constant score (the prior baseline) scored anything from below the positive rate up to 1.
        values["pr_auc"] = AveragePrecision(scored);
        values["log_loss"] = calibrated ? ((CalibratedBinaryClassificationMetrics)metrics).LogLoss : null;
    }

    /// <summary>How the per-part warning on precision without a predicted positive ends: an evaluation sums them up instead.</summary>
    internal const string NoPredictedPositiveEnd = "TP / (TP + FP) is 0/0.";

    /// <summary>
    /// Accuracy, precision, recall and f1 from the confusion counts, each null exactly where its denominator is 0:
    /// precision TP / (TP + FP) without a predicted positive, recall TP / (TP + FN) without a positive row, f1 written
    /// 2TP / (2TP + FP + FN) (the harmonic mean of the two where both exist, and 0, not undefined, when there are
    /// positives but none is found) without either, accuracy without rows. The one definition every binary scorer uses.
    /// </summary>
    internal static IEnumerable<(string Name, double? Value)> CountedMetrics(double tp, double fp, double fn, double tn)
    {
        double total = tp + fp + fn + tn;
        yield return ("accuracy", total == 0 ? null : (tp + tn) / total);
        yield return ("precision", tp + fp == 0 ? null : tp / (tp + fp));
        yield return ("recall", tp + fn == 0 ? null : tp / (tp + fn));
        yield return ("f1", 2 * tp + fp + fn == 0 ? null : 2 * tp / (2 * tp + fp + fn));
    }

    /// <summary>
    /// Why <paramref name="metric"/> comes out null here (the only way each can): "undefined (no predicted positive)" and
    /// the like, for every place that prints a metric that could not be computed.
    /// </summary>
    public static string UndefinedText(string metric) => "undefined (" + UndefinedBecause(metric) + ")";

    /// <summary>
    /// Whether <paramref name="metric"/> can be undefined because of the model's own decisions (no predicted positive),
    /// not only because of the data: a mean over the splits where it exists would then favour a model that rarely calls
    /// a positive, so such a mean is never used to rank or gate a model.
    /// </summary>
    public static bool DependsOnDecisions(string metric) => metric is "precision" or "f1";

    /// <summary>The condition under which <paramref name="metric"/> is undefined (see <see cref="UndefinedText"/>).</summary>
    public static string UndefinedBecause(string metric) => metric switch
    {
        "precision" => "no predicted positive",
        "recall" => "no positive row",
        "f1" => "no positive row and no predicted positive",
        "auc" => "one class only",
        "pr_auc" => "no positive row",
        "log_loss" => "no probability",
        "r2" => "constant label",
        "macro_accuracy" or "micro_accuracy" or "accuracy" => "no rows",
        _ => "not computable on that data",
    };

    // ML.NET's binary log loss, in bits, each probability clipped at 1e-15 (as TestLookBootstrap reproduces it), for a
    // part of one class, which ML.NET's evaluator refuses although the loss is defined there.
    private static double? BinaryLogLoss(IDataView scored)
    {
        var label = scored.Schema["Label"];
        var probability = scored.Schema["Probability"];
        using var cursor = scored.GetRowCursor([label, probability]);
        var getLabel = cursor.GetGetter<bool>(label);
        var getProbability = cursor.GetGetter<float>(probability);
        bool l = false;
        float p = 0;
        double loss = 0;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref l); getProbability(ref p);
            if (float.IsNaN(p)) return null;
            loss -= Math.Log(Math.Max(1e-15, l ? p : 1 - (double)p), 2);
            rows++;
        }
        return rows == 0 ? null : loss / rows;
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

    // True when every (non-NaN) label of a regression part is the same value, or there is none.
    private static bool ConstantLabel(IDataView scored)
    {
        var label = scored.Schema["Label"];
        if (label.Type != NumberDataViewType.Single) return false; // ML.NET's regression evaluator reads Single labels only
        using var cursor = scored.GetRowCursor([label]);
        var get = cursor.GetGetter<float>(label);
        float value = 0, first = float.NaN;
        while (cursor.MoveNext())
        {
            get(ref value);
            if (float.IsNaN(value)) continue;
            if (float.IsNaN(first)) first = value;
            else if (value != first) return false;
        }
        return true;
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
