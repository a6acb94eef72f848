using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Permutation importance of each feature column, measured on a split's validation rows with the model fitted on its
/// training rows: the primary metric's loss when that one column's values are shuffled among the validation rows
/// (the model, the other columns and the label stay as they are).
/// </summary>
/// <remarks>
/// Why columns, not ML.NET's <c>PermutationFeatureImportance</c>: ML.NET's PFI permutes slots of the assembled
/// <c>Features</c> vector, so a one-hot column is spread over one slot per category and a text column over thousands of
/// n-gram slots; an importance per slot is not the question "what does the model rely on", and a column's slots summed
/// are not the column's importance (its slots move together). Shuffling the raw column and rescoring the whole fitted
/// pipeline answers it for every column kind, at one rescoring of the validation rows per column.
/// </remarks>
internal static class PermutationImportance
{
    /// <summary>Share of the total importance above which one column "carries almost all of it" (possible leak).</summary>
    public const double DominantShare = 0.8;

    /// <summary>The importance (metric loss, in the metric's good direction) of each feature column on this split.</summary>
    public static Dictionary<string, double?> Measure(MLContext ml, IPipelineDefinition pipeline, ITransformer model, IDataView validation,
        string primary, double? intact, int seed)
    {
        var result = new Dictionary<string, double?>(StringComparer.Ordinal);
        var ignored = new List<string>();
        int direction = MetricCatalog.Direction(primary);
        int i = 0;
        foreach (var column in pipeline.Settings.Features)
        {
            i++;
            if (intact is not double reference || validation.Schema.GetColumnOrNull(column.Name) is not { } c || c.Type is VectorDataViewType)
            {
                result[column.Name] = null;
                continue;
            }
            var permuted = PermutedColumnDataView.Create(validation, c, new Random(unchecked(seed * 7919 + i)));
            var value = MetricComputer.Compute(ml, pipeline.Settings.Task, model.Transform(permuted), "permutation", ignored, pipeline.Settings.DecisionThreshold)[primary];
            result[column.Name] = value is double v ? direction * (reference - v) : null;
        }
        return result;
    }
}

/// <summary>Importance of one column across splits.</summary>
/// <param name="Column">Feature column.</param>
/// <param name="PerSplit">Metric loss per split (null where the metric was undefined).</param>
internal sealed record ColumnImportance(string Column, IReadOnlyList<double?> PerSplit)
{
    public double? Mean => PerSplit.Any(v => v.HasValue) ? PerSplit.Where(v => v.HasValue).Average(v => v!.Value) : null;
    public double? Min => PerSplit.Any(v => v.HasValue) ? PerSplit.Where(v => v.HasValue).Min(v => v!.Value) : null;
    public double? Max => PerSplit.Any(v => v.HasValue) ? PerSplit.Where(v => v.HasValue).Max(v => v!.Value) : null;
}

/// <summary>What the model relies on: permutation importance per feature column, and a column carrying almost all of it.</summary>
internal sealed record FeatureImportance(string Metric, IReadOnlyList<ColumnImportance> Columns)
{
    /// <summary>The column carrying at least <see cref="PermutationImportance.DominantShare"/> of the summed positive importance, or null.</summary>
    public ColumnImportance? Dominant
    {
        get
        {
            var positive = Columns.Where(c => c.Mean is > 0).ToArray();
            if (positive.Length == 0 || Columns.Count < 2) return null;
            double total = positive.Sum(c => c.Mean!.Value);
            var top = positive.MaxBy(c => c.Mean!.Value)!;
            return top.Mean!.Value / total >= PermutationImportance.DominantShare ? top : null;
        }
    }

    /// <summary>Share of the summed positive importance that a column carries (0 for a column that does not help).</summary>
    public double Share(ColumnImportance column)
    {
        double total = Columns.Where(c => c.Mean is > 0).Sum(c => c.Mean!.Value);
        return total <= 0 || column.Mean is not > 0 ? 0 : column.Mean!.Value / total;
    }
}
