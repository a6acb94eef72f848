using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// A streaming view of the rows of <paramref name="source"/> whose zero-based row index satisfies a predicate.
/// Used to make the training and validation parts of a split without copying any data: every cursor reads the
/// source sequentially and skips the rows that are not kept.
/// </summary>
/// <param name="source">The view to filter (typically what <see cref="IPipelineDefinition.LoadData"/> returns).</param>
/// <param name="keepRow">Called with the source row index (0-based, in file order).</param>
/// <param name="keptRowCount">The number of kept rows when the caller knows it; some trainers size buffers with it.</param>
internal sealed class RowFilterDataView(IDataView source, Func<long, bool> keepRow, long? keptRowCount = null) : IDataView
{
    // Row indices only mean something in source order, so this view never shuffles.
    public bool CanShuffle => false;

    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => keptRowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(source.GetRowCursor(columnsNeeded, rand: null), keepRow);

    // One sequential cursor: the row index of a parallel cursor's row is not known, so splitting work is not possible.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, Func<long, bool> keepRow) : DataViewRowCursor
    {
        private long _sourceRow = -1;
        private long _position = -1;
        private bool _disposed;

        public override DataViewSchema Schema => input.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            while (input.MoveNext())
            {
                _sourceRow++;
                if (keepRow(_sourceRow))
                {
                    _position++;
                    return true;
                }
            }
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (_disposed) return;
            if (disposing) input.Dispose();
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
