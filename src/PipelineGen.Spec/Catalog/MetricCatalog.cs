using System.Collections.Generic;
using System.Linq;
using PipelineGen.Shared;

namespace PipelineGen.Spec.Catalog;

public sealed record MetricInfo(string Name, TaskKind Task, bool HigherIsBetter, string Description);

/// <summary>The metrics a spec may name. The runtime computes them under the same names.</summary>
public static class MetricCatalog
{
    // Names, tasks and directions come from the contract the runtime compiles too (src/Shared/ContractNames.cs);
    // only the descriptions live here.
    public static IReadOnlyList<MetricInfo> All { get; } =
        For(TaskKind.Binary, ContractNames.BinaryMetrics, new Dictionary<string, string>
        {
            ["accuracy"] = "share of correct predictions; for balanced classes",
            ["auc"] = "area under the ROC curve; ranking quality for balanced classes",
            ["pr_auc"] = "area under the precision-recall curve (average precision, tied scores as one threshold; a constant score gets the positive rate); for imbalanced classes",
            ["f1"] = "harmonic mean of precision and recall of the positive class",
            ["precision"] = "share of predicted positives that are positive",
            ["recall"] = "share of positives that are found",
            ["log_loss"] = "log loss of the predicted probabilities, in bits (base-2 logarithm, as ML.NET computes it)",
        })
        .Concat(For(TaskKind.Multiclass, ContractNames.MulticlassMetrics, new Dictionary<string, string>
        {
            ["macro_accuracy"] = "accuracy averaged over classes; for imbalanced classes",
            ["micro_accuracy"] = "share of correct predictions",
            ["log_loss"] = "log loss of the predicted class probabilities (natural logarithm, as ML.NET computes it)",
        }))
        .Concat(For(TaskKind.Regression, ContractNames.RegressionMetrics, new Dictionary<string, string>
        {
            ["rmse"] = "root mean squared error",
            ["mae"] = "mean absolute error",
            ["mse"] = "mean squared error",
            ["r2"] = "coefficient of determination",
        }))
        .ToArray();

    private static IEnumerable<MetricInfo> For(TaskKind task, string[] names, Dictionary<string, string> descriptions) =>
        names.Select(n => new MetricInfo(n, task, ContractNames.HigherIsBetter(n), descriptions[n]));

    public static IEnumerable<string> AllNames => All.Select(m => m.Name).Distinct();

    public static IEnumerable<string> NamesFor(TaskKind task) => All.Where(m => m.Task == task).Select(m => m.Name);

    public static MetricInfo? Find(string name, TaskKind task) => All.FirstOrDefault(m => m.Name == name && m.Task == task);
}
