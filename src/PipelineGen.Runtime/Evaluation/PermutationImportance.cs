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
            var value = MetricComputer.Compute(ml, pipeline.Settings.Task, model.Transform(permuted), "permutation", ignored)[primary];
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

/// <summary>
/// <paramref name="source"/> with one column's values shuffled among its rows: the values are read once (one column),
/// the other columns stream from the source. One sequential cursor, as the permutation is indexed by row position.
/// </summary>
internal sealed class PermutedColumnDataView<T>(IDataView source, DataViewSchema.Column column, T[] values) : IDataView
{
    public bool CanShuffle => false;
    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => values.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(source.GetRowCursor(columnsNeeded), column, values);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, DataViewSchema.Column column, T[] values) : DataViewRowCursor
    {
        private long _position = -1;
        public override DataViewSchema Schema => input.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool MoveNext() { if (!input.MoveNext()) return false; _position++; return true; }
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column c) => input.IsColumnActive(c);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column c)
        {
            if (c.Index != column.Index) return input.GetGetter<TValue>(c);
            ValueGetter<T> getter = (ref T value) => value = values[_position];
            return (ValueGetter<TValue>)(object)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
            base.Dispose(disposing);
        }
    }
}

internal static class PermutedColumnDataView
{
    public static IDataView Create(IDataView source, DataViewSchema.Column column, Random random)
    {
        var method = typeof(PermutedColumnDataView).GetMethod(nameof(CreateTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(column.Type.RawType);
        return (IDataView)method.Invoke(null, [source, column, random])!;
    }

    private static IDataView CreateTyped<T>(IDataView source, DataViewSchema.Column column, Random random)
    {
        var values = new List<T>();
        using (var cursor = source.GetRowCursor([column]))
        {
            var get = cursor.GetGetter<T>(column);
            T value = default!;
            // Text values are copied: a loader may reuse the memory behind a ReadOnlyMemory<char> between rows.
            bool text = typeof(T) == typeof(ReadOnlyMemory<char>);
            while (cursor.MoveNext())
            {
                get(ref value);
                values.Add(text ? (T)(object)((ReadOnlyMemory<char>)(object)value!).ToString().AsMemory() : value);
            }
        }
        var array = values.ToArray();
        random.Shuffle(array);
        return new PermutedColumnDataView<T>(source, column, array);
    }
}
