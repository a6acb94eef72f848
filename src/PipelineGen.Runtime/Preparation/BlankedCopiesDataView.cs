using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// Streams the source rows, then the selected copies with some text columns blanked. Row selection is a seeded hash of
/// the row's position, so it is the same on every pass and needs no row count up front.
/// </summary>
internal sealed class BlankedCopiesDataView : IDataView
{
    private readonly IDataView _source;
    private readonly HashSet<int> _blanked;
    private readonly double _fraction;
    private readonly int _seed;

    public BlankedCopiesDataView(IDataView source, string[] columnNames, double fraction, int seed)
    {
        _source = source;
        _fraction = fraction;
        _seed = seed;
        _blanked = [];
        foreach (var name in columnNames)
        {
            var column = source.Schema.GetColumnOrNull(name)
                ?? throw new ArgumentException($"Blanking augmentation: column '{name}' is not in the training data (columns: {string.Join(", ", source.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            if (column.Type is not TextDataViewType)
                throw new ArgumentException($"Blanking augmentation: column '{name}' is {column.Type}; only text (categorical) columns can be blanked.");
            _blanked.Add(column.Index);
        }
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema => _source.Schema;
    public long? GetRowCount() => null; // the number of copies is known only after a pass

    internal bool IsSelected(long sourcePosition)
    {
        if (_fraction <= 0) return false;
        // SplitMix64 of (seed, position): uniform, stable across passes and platforms.
        var z = unchecked((ulong)sourcePosition * 0x9E3779B97F4A7C15UL + (ulong)(uint)_seed * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < _fraction;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.ToArray());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private static readonly ReadOnlyMemory<char> Blank = ReadOnlyMemory<char>.Empty;
        private readonly BlankedCopiesDataView _parent;
        private readonly DataViewSchema.Column[] _active;
        private readonly bool[] _isActive;
        private DataViewRowCursor _inner;
        private bool _copies;  // false: original rows; true: the blanked copies
        private long _position = -1;
        private long _batchOffset;
        // Getters handed out stay valid across the switch to the second pass: they read through this table.
        private readonly Delegate?[] _innerGetters;
        private ValueGetter<DataViewRowId>? _innerIdGetter;

        public Cursor(BlankedCopiesDataView parent, DataViewSchema.Column[] active)
        {
            _parent = parent;
            _active = active;
            _isActive = new bool[parent.Schema.Count];
            foreach (var c in active) _isActive[c.Index] = true;
            _innerGetters = new Delegate?[parent.Schema.Count];
            _inner = parent._source.GetRowCursor(active);
        }

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => _batchOffset + _inner.Batch;
        public override bool IsColumnActive(DataViewSchema.Column column) => _isActive[column.Index];

        public override bool MoveNext()
        {
            while (true)
            {
                if (_inner.MoveNext())
                {
                    if (_copies && !_parent.IsSelected(_inner.Position))
                        continue;
                    _position++;
                    return true;
                }
                if (_copies)
                    return false;
                // Second pass: the same rows again, keeping only the selected ones.
                _inner.Dispose();
                _inner = _parent._source.GetRowCursor(_active);
                Array.Clear(_innerGetters);
                _innerIdGetter = null;
                _copies = true;
                _batchOffset = 1L << 40;
            }
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_isActive[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested from the augmented training view.");
            var index = column.Index;
            if (_parent._blanked.Contains(index) && typeof(TValue) == typeof(ReadOnlyMemory<char>))
            {
                ValueGetter<ReadOnlyMemory<char>> text = (ref ReadOnlyMemory<char> value) =>
                {
                    if (_copies) value = Blank;
                    else InnerGetter<ReadOnlyMemory<char>>(index)(ref value);
                };
                return (ValueGetter<TValue>)(Delegate)text;
            }
            return (ref TValue value) => InnerGetter<TValue>(index)(ref value);
        }

        private ValueGetter<TValue> InnerGetter<TValue>(int index) =>
            (ValueGetter<TValue>)(_innerGetters[index] ??= _inner.GetGetter<TValue>(_inner.Schema[index]));

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        {
            (_innerIdGetter ??= _inner.GetIdGetter())(ref id);
            // Copies must not share ids with their originals.
            if (_copies) id = new DataViewRowId(id.Low, id.High ^ 0x8000_0000_0000_0000UL);
        };

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
