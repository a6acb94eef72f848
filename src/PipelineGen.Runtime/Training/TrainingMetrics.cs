using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// The training steps' view of metrics: the Evaluation area's definitions (<see cref="MetricComputer"/>,
/// <see cref="MetricCatalog"/>), so curve, test and evaluate report the same numbers under the same names.
/// </summary>
internal static class TrainingMetrics
{
    public static bool IsLowerBetter(string metric) => !MetricCatalog.HigherIsBetter(metric);

    /// <summary>The spec's metric, or the evaluate step's choice from the class balance when the label's classes are known.</summary>
    public static string ChooseMetric(PipelineSettings settings, IReadOnlyList<KeyValuePair<string, long>>? labelCounts = null) =>
        settings.Metric ?? (labelCounts is not null
            ? MetricCatalog.ChoosePrimary(settings, labelCounts).Metric
            : settings.Task switch
            {
                MlTaskKind.BinaryClassification => "auc",
                MlTaskKind.MulticlassClassification => "macro_accuracy",
                _ => "rmse",
            });

    /// <summary>Every metric of the task that is defined on <paramref name="scored"/>; undefined ones are left out, with a warning.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(MLContext ml, MlTaskKind task, IDataView scored, ICollection<string>? warnings = null, string where = "test", double? decisionThreshold = null)
    {
        var values = MetricComputer.Compute(ml, task, scored, where, warnings ?? new List<string>(), decisionThreshold);
        return new SortedDictionary<string, double>(
            values.Where(v => v.Value.HasValue).ToDictionary(v => v.Key, v => v.Value!.Value), StringComparer.Ordinal);
    }

    /// <summary>One metric; NaN when it is undefined on this data (e.g. a single class).</summary>
    public static double Evaluate(MLContext ml, MlTaskKind task, IDataView scored, string metric, ICollection<string>? warnings = null, string where = "validation", double? decisionThreshold = null)
    {
        if (!MetricCatalog.For(task).Contains(metric))
            throw new ArgumentException($"Metric '{metric}' does not fit task {task}. Use one of: {string.Join(", ", MetricCatalog.For(task))}.");
        return Evaluate(ml, task, scored, warnings, where, decisionThreshold).TryGetValue(metric, out var value) ? value : double.NaN;
    }
}
