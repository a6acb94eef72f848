namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// The study's metric on a vector of out-of-fold predictions, computed in memory (ensemble selection scores hundreds of
/// blends; going through an ML.NET evaluator each time would cost more than the selection). Binary: predictions are
/// probabilities (decided at the spec's task.threshold, else 0.5, as predict decides) or raw scores (threshold 0);
/// regression: predicted values.
/// </summary>
internal static partial class OutOfFoldMetrics
{
    /// <summary>The scorer for <paramref name="metric"/>, or null (with the reason) when it is not computed here.</summary>
    public static Func<double[], double>? For(string metric, double[] labels, bool probabilities, out string? reason, double? decisionThreshold = null)
    {
        reason = null;
        double threshold = probabilities ? decisionThreshold ?? 0.5 : 0;
        // predict calls a row positive at or above a chosen threshold; the model's own decision is strictly above.
        bool atOrAbove = probabilities && decisionThreshold is not null;
        switch (metric)
        {
            case "auc": return p => Auc(p, labels);
            case "accuracy": return p => Confusion(p, labels, threshold, atOrAbove).Accuracy;
            case "f1": return p => Confusion(p, labels, threshold, atOrAbove).F1;
            case "precision": return p => Confusion(p, labels, threshold, atOrAbove).Precision;
            case "recall": return p => Confusion(p, labels, threshold, atOrAbove).Recall;
            case "log_loss" when probabilities: return p => LogLoss(p, labels);
            case "rmse": return p => Math.Sqrt(Mse(p, labels));
            case "mse": return p => Mse(p, labels);
            case "mae": return p => p.Select((v, i) => Math.Abs(v - labels[i])).Average();
            case "r2":
                double mean = labels.Average();
                double total = labels.Sum(l => (l - mean) * (l - mean));
                return p => 1 - Mse(p, labels) * labels.Length / total;
        }
        reason = $"ensemble selection does not compute {metric}{(metric == "log_loss" ? " without probabilities" : "")} on out-of-fold predictions";
        return null;
    }

    /// <summary>Area under the ROC curve (ties count one half): the Mann-Whitney statistic.</summary>
    public static double Auc(double[] p, double[] labels)
    {
        var order = Enumerable.Range(0, p.Length).OrderBy(i => p[i]).ToArray();
        double rankSumPositive = 0;
        long positives = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && p[order[j + 1]] == p[order[i]]) j++;
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                if (labels[order[k]] > 0.5) { rankSumPositive += midRank; positives++; }
            i = j + 1;
        }
        long negatives = p.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSumPositive - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    private static double LogLoss(double[] p, double[] labels)
    {
        const double eps = 1e-15;
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = Math.Clamp(p[i], eps, 1 - eps);
            sum -= labels[i] > 0.5 ? Math.Log2(q) : Math.Log2(1 - q);
        }
        // In bits, as ML.NET's binary evaluator computes it, so the ensemble's figures and the trials' search scores
        // printed beside them are in the same unit (the multiclass log loss is natural in both).
        return sum / p.Length;
    }

    private static double Mse(double[] p, double[] labels)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += (p[i] - labels[i]) * (p[i] - labels[i]);
        return sum / p.Length;
    }

    private static (double Accuracy, double Precision, double Recall, double F1) Confusion(double[] p, double[] labels, double threshold, bool atOrAbove)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < p.Length; i++)
        {
            bool predicted = atOrAbove ? p[i] >= threshold : p[i] > threshold, actual = labels[i] > 0.5;
            if (predicted && actual) tp++; else if (predicted) fp++; else if (actual) fn++; else tn++;
        }
        // As MetricComputer: NaN (undefined) where the denominator is 0, never a substituted 0: a blend that calls no
        // row positive has no precision, and must not be selected or ranked on one.
        var m = Evaluation.MetricComputer.CountedMetrics(tp, fp, fn, tn).ToDictionary(x => x.Name, x => x.Value ?? double.NaN);
        return (m["accuracy"], m["precision"], m["recall"], m["f1"]);
    }
}
