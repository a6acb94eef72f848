using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec.Catalog;

public sealed record MetricInfo(string Name, TaskKind Task, bool HigherIsBetter, string Description);

/// <summary>The metrics a spec may name. The runtime computes them under the same names.</summary>
public static class MetricCatalog
{
    public static IReadOnlyList<MetricInfo> All { get; } = new[]
    {
        new MetricInfo("accuracy", TaskKind.Binary, true, "share of correct predictions; for balanced classes"),
        new MetricInfo("auc", TaskKind.Binary, true, "area under the ROC curve; ranking quality for balanced classes"),
        new MetricInfo("pr_auc", TaskKind.Binary, true, "area under the precision-recall curve; for imbalanced classes"),
        new MetricInfo("f1", TaskKind.Binary, true, "harmonic mean of precision and recall of the positive class"),
        new MetricInfo("precision", TaskKind.Binary, true, "share of predicted positives that are positive"),
        new MetricInfo("recall", TaskKind.Binary, true, "share of positives that are found"),
        new MetricInfo("log_loss", TaskKind.Binary, false, "log loss of the predicted probabilities"),
        new MetricInfo("macro_accuracy", TaskKind.Multiclass, true, "accuracy averaged over classes; for imbalanced classes"),
        new MetricInfo("micro_accuracy", TaskKind.Multiclass, true, "share of correct predictions"),
        new MetricInfo("log_loss", TaskKind.Multiclass, false, "log loss of the predicted class probabilities"),
        new MetricInfo("rmse", TaskKind.Regression, false, "root mean squared error"),
        new MetricInfo("mae", TaskKind.Regression, false, "mean absolute error"),
        new MetricInfo("mse", TaskKind.Regression, false, "mean squared error"),
        new MetricInfo("r2", TaskKind.Regression, true, "coefficient of determination"),
    };

    public static IEnumerable<string> AllNames => All.Select(m => m.Name).Distinct();

    public static IEnumerable<string> NamesFor(TaskKind task) => All.Where(m => m.Task == task).Select(m => m.Name);

    public static MetricInfo? Find(string name, TaskKind task) => All.FirstOrDefault(m => m.Name == name && m.Task == task);
}
