namespace PipelineGen.Runtime.Evaluation;

/// <summary>A curve at fixed x positions: the mean over splits and its standard deviation (null std with one split).</summary>
internal sealed record CurveBand(IReadOnlyList<double> X, IReadOnlyList<double> Mean, IReadOnlyList<double>? Std);

/// <summary>Precision, recall and F1 of the positive class when rows with P(positive) at or above the threshold are called positive.</summary>
internal sealed record ThresholdPoint(double Threshold, double? Precision, double Recall, double? F1, long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives);

/// <summary>One bin of a reliability diagram: rows whose predicted probability falls in [Lower, Upper).</summary>
internal sealed record CalibrationBin(double Lower, double Upper, long Rows, double MeanPredicted, double ObservedRate);

/// <summary>Precision, recall and F1 of one class (one-vs-rest) from a confusion matrix.</summary>
internal sealed record ClassMetrics(string Class, long Support, double? Precision, double? Recall, double? F1);

/// <summary>
/// The numbers behind the evaluation report's charts, computed from the out-of-fold predictions (no model is run here).
/// Pure functions, so each figure can be checked on its own.
/// </summary>
internal static class EvaluationCurves
{
    /// <summary>Evenly spaced grid 0, 1/n, …, 1.</summary>
    public static double[] Grid(int n = 50) => Enumerable.Range(0, n + 1).Select(i => i / (double)n).ToArray();

    /// <summary>ROC (true positive rate at each false positive rate of <see cref="Grid"/>) per split, averaged across splits.</summary>
    public static CurveBand? Roc(OutOfFoldPredictions o) => Across(o, (labels, scores) => RocAt(labels, scores, Grid()));

    /// <summary>Precision–recall (interpolated precision at each recall of <see cref="Grid"/>) per split, averaged across splits.</summary>
    public static CurveBand? PrecisionRecall(OutOfFoldPredictions o) => Across(o, (labels, scores) => PrecisionAt(labels, scores, Grid()));

    private static CurveBand? Across(OutOfFoldPredictions o, Func<float[], float[], double[]?> curve)
    {
        var perSplit = new List<double[]>();
        foreach (var split in o.Split.Distinct())
        {
            var rows = Enumerable.Range(0, o.Count).Where(i => o.Split[i] == split).ToArray();
            var c = curve(rows.Select(i => o.Label[i]).ToArray(), rows.Select(i => Ranking(o, i)).ToArray());
            if (c is not null) perSplit.Add(c);
        }
        if (perSplit.Count == 0) return null;
        var grid = Grid();
        var mean = grid.Select((_, k) => perSplit.Average(c => c[k])).ToArray();
        var std = perSplit.Count < 2 ? null : grid.Select((_, k) => MathNet.Numerics.Statistics.Statistics.StandardDeviation(perSplit.Select(c => c[k]))).ToArray();
        return new CurveBand(grid, mean, std);
    }

    // Probability when there is one (it orders rows as the score does, and thresholds read in it), else the score.
    private static float Ranking(OutOfFoldPredictions o, int i) => o.HasProbability ? o.Probability[i] : o.Score[i];

    /// <summary>TPR at the given FPRs, linear between the ROC's corners (ties in the score form one diagonal step). Null without both classes.</summary>
    public static double[]? RocAt(float[] labels, float[] scores, double[] fprGrid)
    {
        long positives = labels.Count(l => l > 0.5f), negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0) return null;
        var corners = new List<(double Fpr, double Tpr)> { (0, 0) };
        long tp = 0, fp = 0;
        foreach (var group in Enumerable.Range(0, labels.Length).GroupBy(i => scores[i]).OrderByDescending(g => g.Key))
        {
            foreach (var i in group) { if (labels[i] > 0.5f) tp++; else fp++; }
            corners.Add((fp / (double)negatives, tp / (double)positives));
        }
        return fprGrid.Select(f =>
        {
            int k = corners.FindIndex(c => c.Fpr >= f);
            if (k <= 0) return corners[Math.Max(k, 0)].Tpr;
            var (f0, t0) = corners[k - 1];
            var (f1, t1) = corners[k];
            return f1 - f0 < 1e-12 ? t1 : t0 + (t1 - t0) * (f - f0) / (f1 - f0);
        }).ToArray();
    }

    /// <summary>Interpolated precision (the best precision at any recall at or above r) at the given recalls. Null without a positive.</summary>
    public static double[]? PrecisionAt(float[] labels, float[] scores, double[] recallGrid)
    {
        long positives = labels.Count(l => l > 0.5f);
        if (positives == 0) return null;
        var points = new List<(double Recall, double Precision)>();
        long tp = 0, fp = 0;
        foreach (var group in Enumerable.Range(0, labels.Length).GroupBy(i => scores[i]).OrderByDescending(g => g.Key))
        {
            foreach (var i in group) { if (labels[i] > 0.5f) tp++; else fp++; }
            points.Add((tp / (double)positives, tp / (double)(tp + fp)));
        }
        return recallGrid.Select(r => points.Where(p => p.Recall >= r - 1e-12).Select(p => p.Precision).DefaultIfEmpty(0).Max()).ToArray();
    }

    /// <summary>Precision/recall/F1 at thresholds 0.01 … 0.99 on P(positive), over all out-of-fold rows.</summary>
    public static IReadOnlyList<ThresholdPoint> Thresholds(OutOfFoldPredictions o) =>
        Enumerable.Range(1, 99).Select(k => At(o, k / 100.0)).ToArray();

    /// <summary>The confusion counts and precision/recall/F1 at one threshold on P(positive), over all out-of-fold rows.</summary>
    public static ThresholdPoint At(OutOfFoldPredictions o, double threshold)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < o.Count; i++)
        {
            bool positive = o.Label[i] > 0.5f, called = Ranking(o, i) >= (o.HasProbability ? threshold : 0);
            if (positive && called) tp++; else if (called) fp++; else if (positive) fn++; else tn++;
        }
        double? precision = tp + fp == 0 ? null : tp / (double)(tp + fp);
        double recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
        return new ThresholdPoint(threshold, precision, recall, F1(tp, fp, fn), tp, fp, fn, tn);
    }

    /// <summary>Reliability diagram: <paramref name="bins"/> equal-width bins of P(positive); empty bins are left out.</summary>
    public static IReadOnlyList<CalibrationBin> Calibration(OutOfFoldPredictions o, int bins = 10)
    {
        var result = new List<CalibrationBin>();
        for (int b = 0; b < bins; b++)
        {
            double lower = b / (double)bins, upper = (b + 1) / (double)bins;
            var rows = Enumerable.Range(0, o.Count).Where(i => o.Probability[i] >= lower && (o.Probability[i] < upper || (b == bins - 1 && o.Probability[i] <= 1))).ToArray();
            if (rows.Length == 0) continue;
            result.Add(new CalibrationBin(lower, upper, rows.Length, rows.Average(i => (double)o.Probability[i]), rows.Average(i => (double)o.Label[i])));
        }
        return result;
    }

    /// <summary>Brier score (mean squared difference of P(positive) and the 0/1 label) per split, of the model and of the baseline's constant probability.</summary>
    public static (IReadOnlyList<double> Model, IReadOnlyList<double?> Baseline) Brier(OutOfFoldPredictions o)
    {
        var model = new List<double>();
        var baseline = new List<double?>();
        foreach (var split in o.Split.Distinct())
        {
            var rows = Enumerable.Range(0, o.Count).Where(i => o.Split[i] == split).ToArray();
            model.Add(rows.Average(i => Math.Pow(o.Probability[i] - o.Label[i], 2)));
            double p0 = o.BaselinePrediction[split];
            baseline.Add(double.IsNaN(p0) ? null : rows.Average(i => Math.Pow(p0 - o.Label[i], 2)));
        }
        return (model, baseline);
    }

    /// <summary>Multiclass confusion counts [actual, predicted] over all out-of-fold rows.</summary>
    public static long[,] Confusion(OutOfFoldPredictions o)
    {
        int n = o.ClassNames.Count;
        var m = new long[n, n];
        for (int i = 0; i < o.Count; i++)
            if (o.Score[i] >= 0) m[(int)o.Label[i], (int)o.Score[i]]++;
        return m;
    }

    /// <summary>Per-class precision, recall and F1 (one class against the rest) of a confusion matrix.</summary>
    public static IReadOnlyList<ClassMetrics> PerClass(long[,] confusion, IReadOnlyList<string> names)
    {
        int n = names.Count;
        return Enumerable.Range(0, n).Select(c =>
        {
            long tp = confusion[c, c];
            long actual = Enumerable.Range(0, n).Sum(k => confusion[c, k]);
            long predicted = Enumerable.Range(0, n).Sum(k => confusion[k, c]);
            double? precision = predicted == 0 ? null : tp / (double)predicted;
            double? recall = actual == 0 ? null : tp / (double)actual;
            return new ClassMetrics(names[c], actual, precision, recall, F1(tp, predicted - tp, actual - tp));
        }).ToArray();
    }

    /// <summary>
    /// F1 = 2TP / (2TP + FP + FN), the harmonic mean of precision and recall written in counts: 0 when a class that occurs
    /// or is predicted is never hit (precision and recall both 0, or nothing predicted), as ML.NET's f1 scores it; null only
    /// when the class neither occurs nor is predicted.
    /// </summary>
    internal static double? F1(long tp, long fp, long fn) => 2 * tp + fp + fn == 0 ? null : 2.0 * tp / (2 * tp + fp + fn);

    /// <summary>Area under the ROC curve from ranks (Mann–Whitney U; ties count half). Null without both classes.</summary>
    public static double? Auc(IReadOnlyList<float> labels, IReadOnlyList<float> scores)
    {
        var order = Enumerable.Range(0, labels.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[labels.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            for (int k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        long positives = labels.Count(l => l > 0.5f), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return null;
        double sum = Enumerable.Range(0, labels.Count).Where(i => labels[i] > 0.5f).Sum(i => ranks[i]);
        return (sum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}
