using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Data;
using PipelineGen.Spec.Model;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// The spec's <c>gates</c> section against the task and the data (PG0400-PG0405): the metric fits the task (per class:
/// precision, recall or f1), the threshold key fits the metric's direction and its range, the class is a label value,
/// the group is a column. Kept apart from <see cref="SpecBinder"/> so the gate rules read in one place.
/// </summary>
internal static class GateBinder
{
    /// <summary>Metrics a per-class gate can name: they are defined for one class against the rest.</summary>
    public static readonly string[] PerClassMetrics = { "precision", "recall", "f1" };

    public static EquatableArray<BoundGate>? Bind(PipelineSpec spec, InferredSchema schema, EquatableArray<string> labelValues, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Gates is not { } gates) return null;
        var file = spec.FilePath;
        var task = spec.Task.Kind.Value;
        var taskName = $"a {task.ToSpecName()} task";
        var bound = new List<BoundGate>();
        foreach (var gate in gates)
        {
            var ok = true;
            var metric = gate.Metric;
            var perClass = gate.Class is not null;
            var names = perClass && task != TaskKind.Regression ? PerClassMetrics : MetricCatalog.NamesFor(task).ToArray();
            var info = MetricCatalog.All.FirstOrDefault(m => m.Name == metric.Value && (perClass || m.Task == task));
            if (!names.Contains(metric.Value) || info is null)
            {
                var what = perClass && task != TaskKind.Regression ? $"a per-class gate of {taskName}" : taskName;
                diagnostics.Add(SpecDiagnostics.GateMetricNotForTask.Create(file, metric.Span, metric.Value, what,
                    DidYouMean.Suggest(metric.Value, names), DidYouMean.List(names)));
                ok = false;
            }

            if (gate.ThresholdCount != 1)
            {
                diagnostics.Add(SpecDiagnostics.GateThresholdCount.Create(file, gate.Span,
                    gate.ThresholdCount == 0 ? "has no threshold" : $"has {gate.ThresholdCount} thresholds"));
                ok = false;
            }
            else if (info is not null && ok)
            {
                var higher = info.HigherIsBetter;
                if (gate.Kind == "min" && !higher || gate.Kind == "max" && higher)
                {
                    diagnostics.Add(SpecDiagnostics.GateDirectionMismatch.Create(file, gate.ThresholdSpan, gate.Kind!, Fmt(gate.Threshold), metric.Value,
                        higher ? "higher" : "lower", higher ? "min" : "max"));
                    ok = false;
                }
                else if (gate.Kind == "min_improvement" && (perClass || gate.Group is not null))
                {
                    diagnostics.Add(SpecDiagnostics.GateThresholdCount.Create(file, gate.ThresholdSpan,
                        "compares with the baseline per class or per group, which is measured on the whole data only; use 'min' or 'max' there, or drop 'class'/'group'"));
                    ok = false;
                }
                else if (RangeProblem(metric.Value, gate.Kind!, gate.Threshold) is { } problem)
                {
                    diagnostics.Add(SpecDiagnostics.GateThresholdOutOfRange.Create(file, gate.ThresholdSpan, Fmt(gate.Threshold), metric.Value, problem));
                    ok = false;
                }
            }

            if (gate.Class is { } cls)
            {
                var label = schema.Find(spec.Task.Label.Value);
                if (task == TaskKind.Regression)
                {
                    diagnostics.Add(SpecDiagnostics.GateUnknownClass.Create(file, cls.Span, cls.Value, "cannot apply to a regression task, which has no classes", "none (remove 'class')"));
                    ok = false;
                }
                else if (label is { DistinctValuesKnown: true } && labelValues.Count > 0 && !labelValues.Any(v => SameValue(v, cls.Value)))
                {
                    diagnostics.Add(SpecDiagnostics.GateUnknownClass.Create(file, cls.Span, cls.Value,
                        $"is not a value of label '{spec.Task.Label.Value}' in {Path.GetFileName(schema.DataPath)}", PipelineGen.Shared.SafeText.Samples(labelValues, maxSamples: 10)));
                    ok = false;
                }
            }

            if (gate.Group is { } group)
            {
                var names2 = schema.Columns.Select(c => c.Name).ToArray();
                var column = schema.Find(group.Value);
                if (column is null || group.Value == spec.Task.Label.Value)
                {
                    diagnostics.Add(SpecDiagnostics.GateUnknownColumn.Create(file, group.Span, group.Value,
                        column is null ? $"is not a column of {Path.GetFileName(schema.DataPath)}" : "is the label; a gate per value of the label is a per-class gate ('class')",
                        column is null ? DidYouMean.Suggest(group.Value, names2) : "", PipelineGen.Shared.SafeText.Samples(names2, maxSamples: 10)));
                    ok = false;
                }
            }

            if (ok)
                bound.Add(new BoundGate(metric.Value, gate.Kind!, gate.Threshold,
                    gate.Class is { } c ? labelValues.FirstOrDefault(v => SameValue(v, c.Value)) ?? c.Value : null,
                    gate.Group?.Value, gate.Span.StartLine, gate.Span.StartColumn, gate.Require));
        }
        return bound.ToEquatableArray();
    }

    // A threshold the metric can never meet (auc ≥ 1.2) or always meets (rmse ≤ -1 can never pass either) is a typo.
    private static string? RangeProblem(string metric, string kind, double threshold)
    {
        if (kind == "min_improvement") return null;
        var bounded01 = metric is not ("log_loss" or "rmse" or "mae" or "mse" or "r2");
        if (bounded01 && (threshold < 0 || threshold > 1)) return "lies outside [0, 1], where the metric's values lie";
        if (metric is "log_loss" or "rmse" or "mae" or "mse" && threshold < 0) return "is negative; the metric is never below 0";
        if (metric == "r2" && threshold > 1) return "is above 1; r2 is at most 1";
        return null;
    }

    private static bool SameValue(string a, string b)
    {
        if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            return x == y;
        return string.Equals(a, b, StringComparison.Ordinal);
    }

    private static string Fmt(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
