using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

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
