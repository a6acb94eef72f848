namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// Multiclass metrics on out-of-fold class probabilities, row-major (row r, class k at r·K + k), computed as ML.NET's
/// multiclass evaluator does: the predicted class is the most probable one (ties: the first); micro accuracy is the
/// share of rows predicted right, macro accuracy the mean over the classes present of each class's share predicted
/// right; log-loss is the mean of −ln p(true class), with p clamped to 1e-15.
/// </summary>
internal static partial class OutOfFoldMetrics
{
    /// <summary>The scorer for <paramref name="metric"/> over <paramref name="classes"/> classes, or null (with the reason).</summary>
    public static Func<double[], double>? ForClasses(string metric, double[] labels, int classes, out string? reason)
    {
        reason = null;
        int[] truth = labels.Select(l => (int)l).ToArray();
        switch (metric)
        {
            case "micro_accuracy": return p => Accuracies(p, truth, classes).Micro;
            case "macro_accuracy": return p => Accuracies(p, truth, classes).Macro;
            case "log_loss": return p => ClassLogLoss(p, truth, classes);
        }
        reason = $"ensemble selection does not compute {metric} on multiclass out-of-fold predictions";
        return null;
    }

    private static int ArgMax(double[] p, int row, int classes)
    {
        int best = 0;
        for (int k = 1; k < classes; k++) if (p[row * classes + k] > p[row * classes + best]) best = k;
        return best;
    }

    private static (double Micro, double Macro) Accuracies(double[] p, int[] truth, int classes)
    {
        var right = new int[classes];
        var total = new int[classes];
        int correct = 0;
        for (int r = 0; r < truth.Length; r++)
        {
            total[truth[r]]++;
            if (ArgMax(p, r, classes) == truth[r]) { right[truth[r]]++; correct++; }
        }
        var present = Enumerable.Range(0, classes).Where(k => total[k] > 0).ToArray();
        return (correct / (double)truth.Length, present.Average(k => right[k] / (double)total[k]));
    }

    private static double ClassLogLoss(double[] p, int[] truth, int classes)
    {
        double sum = 0;
        for (int r = 0; r < truth.Length; r++)
            sum -= Math.Log(Math.Max(p[r * classes + truth[r]], 1e-15));
        return sum / truth.Length;
    }
}
