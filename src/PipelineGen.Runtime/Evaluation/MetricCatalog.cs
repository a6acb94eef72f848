using PipelineGen.Shared;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>The metric names of the spec and the runtime, per task, and which way is better.</summary>
internal static class MetricCatalog
{
    public static IReadOnlyList<string> For(MlTaskKind task) => task switch
    {
        MlTaskKind.BinaryClassification => ContractNames.BinaryMetrics,
        MlTaskKind.MulticlassClassification => ContractNames.MulticlassMetrics,
        _ => ContractNames.RegressionMetrics,
    };

    /// <summary>The values a metric can take: a confidence interval is clipped to them (a t-interval knows no bounds).</summary>
    public static (double Min, double Max) Range(string metric) => metric switch
    {
        "log_loss" or "rmse" or "mae" or "mse" => (0, double.PositiveInfinity),
        "r2" => (double.NegativeInfinity, 1),
        _ => (0, 1),
    };

    public static bool HigherIsBetter(string metric) => ContractNames.HigherIsBetter(metric);

    /// <summary>+1 when higher is better, -1 when lower is better: multiply a difference by it to get an improvement.</summary>
    public static int Direction(string metric) => HigherIsBetter(metric) ? 1 : -1;

    /// <summary>Share of the smallest class below which a classification problem counts as imbalanced.</summary>
    public const double ImbalanceThreshold = 0.2;

    /// <summary>The primary metric: the spec's, or one chosen from the task and the class balance, with the reason.</summary>
    public static (string Metric, string Reason) ChoosePrimary(PipelineSettings settings, IReadOnlyList<long> classCounts) =>
        ChoosePrimary(settings, classCounts, positiveShare: null);

    /// <summary>
    /// As <see cref="ChoosePrimary(PipelineSettings, IReadOnlyList{long})"/> from the data scan's classes, knowing which
    /// one is positive: an imbalanced binary label whose positive class is the common one gets auc, not pr_auc.
    /// </summary>
    public static (string Metric, string Reason) ChoosePrimary(PipelineSettings settings, IReadOnlyList<KeyValuePair<string, long>> labelCounts) =>
        ChoosePrimary(settings, labelCounts.Select(c => c.Value).ToArray(), PositiveShare(settings, labelCounts));

    /// <summary>Binary: the share of the rows whose label is the positive class; null when the settings name none or no row has it.</summary>
    internal static double? PositiveShare(PipelineSettings settings, IReadOnlyList<KeyValuePair<string, long>> labelCounts)
    {
        long total = labelCounts.Sum(c => c.Value);
        long positives = labelCounts.Where(c => Data.DataScan.IsPositiveClass(settings, c.Key)).Sum(c => c.Value);
        return total == 0 || positives == 0 ? null : positives / (double)total;
    }

    private static (string Metric, string Reason) ChoosePrimary(PipelineSettings settings, IReadOnlyList<long> classCounts, double? positiveShare)
    {
        if (settings.Metric is { } named)
        {
            if (!For(settings.Task).Contains(named))
                throw new ArgumentException(
                    $"Metric '{named}' does not fit task {settings.Task}. Use one of: {string.Join(", ", For(settings.Task))}.");
            return (named, "named in the spec");
        }
        if (settings.Task == MlTaskKind.Regression)
            return ("rmse", "regression: rmse, in the label's units, penalises large errors");

        long total = classCounts.Sum();
        double minority = total == 0 || classCounts.Count == 0 ? 0 : classCounts.Min() / (double)total;
        string share = minority.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
        bool imbalanced = minority < ImbalanceThreshold;
        // pr_auc (like precision and recall) measures the positive class: on the common class a constant score already
        // gets its share, and a real gain on the rare class barely moves it.
        if (settings.Task == MlTaskKind.BinaryClassification && imbalanced && positiveShare > 0.5)
            return ("auc", $"binary, imbalanced (minority class {share} < 20%), but the positive class '{settings.PositiveClass}' is the common one "
                + $"({positiveShare.Value.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)} of rows): pr_auc would measure that class, where a constant score already gets its share; "
                + "auc ranks both classes alike. Make the rare class task.positive_class to have pr_auc chosen");
        return settings.Task == MlTaskKind.BinaryClassification
            ? imbalanced
                ? ("pr_auc", $"binary, imbalanced (minority class {share} < 20%): pr_auc focuses on the rare positive class")
                : ("auc", $"binary, balanced (minority class {share}): auc ranks positives above negatives independent of threshold")
            : imbalanced
                ? ("macro_accuracy", $"multiclass, imbalanced (smallest class {share} < 20%): macro_accuracy weighs every class equally")
                : ("micro_accuracy", $"multiclass, balanced (smallest class {share}): micro_accuracy is the share of rows classified correctly");
    }
}
