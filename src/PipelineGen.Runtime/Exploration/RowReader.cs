using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Exploration;

/// <summary>One cell as explore sees it: a number (NaN when absent) and/or its text, and whether it is missing.</summary>
internal readonly record struct Cell(double Number, string? Text, bool Missing, bool Unparsed = false, bool FromSingle = false)
{
    public static readonly Cell Absent = new(double.NaN, null, true);

    /// <summary>The value as a user would write it: used for categories, hashing and sample rows.</summary>
    public string Display => Missing ? "" : Text ?? (FromSingle ? Fmt.Raw((float)Number) : Fmt.Raw(Number));
}

/// <summary>How a column is profiled, from its spec kind.</summary>
internal enum ProfileMode { Numeric, Date, Categorical, Text }

internal sealed record ColumnSlot(string Name, int SchemaIndex, ColumnKind Kind, ColumnRole Role, ProfileMode Mode, string DataType);

/// <summary>
/// Reads the scalar columns of a data view row by row into <see cref="Cell"/>s, so the profilers do not care whether
/// the generated loader typed a column as float, string, bool or DateTime.
/// </summary>
internal sealed class RowReader : IDisposable
{
    private readonly DataViewRowCursor _cursor;
    private readonly Func<Cell>[] _getters;
    public IReadOnlyList<ColumnSlot> Slots { get; }
    public Cell[] Current { get; }

    private RowReader(DataViewRowCursor cursor, IReadOnlyList<ColumnSlot> slots, Func<Cell>[] getters)
    {
        _cursor = cursor;
        Slots = slots;
        _getters = getters;
        Current = new Cell[slots.Count];
    }

    /// <summary>The scalar columns of <paramref name="schema"/> with their spec kind and role (vector columns are skipped).</summary>
    public static IReadOnlyList<ColumnSlot> Describe(DataViewSchema schema, PipelineSettings settings)
    {
        var slots = new List<ColumnSlot>();
        foreach (var column in schema)
        {
            if (column.IsHidden || column.Type is VectorDataViewType) continue;
            var info = settings.Columns.FirstOrDefault(c => c.Name == column.Name);
            var kind = info?.Kind ?? KindFromType(column.Type);
            var role = info?.Role ?? (column.Name == settings.LabelColumn ? ColumnRole.Label : ColumnRole.Feature);
            var mode = kind switch
            {
                ColumnKind.Numeric => ProfileMode.Numeric,
                ColumnKind.DateTime => ProfileMode.Date,
                ColumnKind.Text => ProfileMode.Text,
                _ => ProfileMode.Categorical,
            };
            slots.Add(new ColumnSlot(column.Name, column.Index, kind, role, mode, column.Type.ToString() ?? column.Type.RawType.Name));
        }
        return slots;
    }

    private static ColumnKind KindFromType(DataViewType type) => type switch
    {
        NumberDataViewType => ColumnKind.Numeric,
        BooleanDataViewType => ColumnKind.Boolean,
        DateTimeDataViewType or DateTimeOffsetDataViewType => ColumnKind.DateTime,
        _ => ColumnKind.Categorical,
    };

    public static RowReader Open(IDataView data, IReadOnlyList<ColumnSlot> slots, PipelineSettings settings)
    {
        var columns = slots.Select(s => data.Schema[s.SchemaIndex]).ToArray();
        var cursor = data.GetRowCursor(columns);
        // Exact tokens, as the build, the run's checks and the model's categorical step compare them (PipelineGen.Shared.DataValues).
        // Each column's own: the global tokens and the column's (data.columns.NAME.missing_values).
        var getters = new Func<Cell>[slots.Count];
        for (int i = 0; i < slots.Count; i++)
        {
            var column = settings.Columns.FirstOrDefault(c => c.Name == slots[i].Name);
            getters[i] = MakeGetter(cursor, data.Schema[slots[i].SchemaIndex], slots[i].Mode, settings.MissingTokenSetOf(column), column?.DateFormat);
        }
        return new RowReader(cursor, slots, getters);
    }

    public bool MoveNext()
    {
        if (!_cursor.MoveNext()) return false;
        for (int i = 0; i < _getters.Length; i++) Current[i] = _getters[i]();
        return true;
    }

    public void Dispose() => _cursor.Dispose();

    private static Func<Cell> MakeGetter(DataViewRowCursor cursor, DataViewSchema.Column column, ProfileMode mode,
        HashSet<string> missingTokens, string? dateFormat)
    {
        var type = column.Type;
        var raw = type.RawType;
        if (type is NumberDataViewType)
        {
            if (raw == typeof(float)) return Number<float>(cursor, column, v => v, fromSingle: true);
            if (raw == typeof(double)) return Number<double>(cursor, column, v => v);
            if (raw == typeof(int)) return Number<int>(cursor, column, v => v);
            if (raw == typeof(long)) return Number<long>(cursor, column, v => v);
            if (raw == typeof(short)) return Number<short>(cursor, column, v => v);
            if (raw == typeof(uint)) return Number<uint>(cursor, column, v => v);
            if (raw == typeof(ulong)) return Number<ulong>(cursor, column, v => v);
            if (raw == typeof(ushort)) return Number<ushort>(cursor, column, v => v);
            if (raw == typeof(byte)) return Number<byte>(cursor, column, v => v);
            if (raw == typeof(sbyte)) return Number<sbyte>(cursor, column, v => v);
        }
        if (type is BooleanDataViewType)
        {
            var getter = cursor.GetGetter<bool>(column);
            bool value = false;
            return () => { getter(ref value); return new Cell(value ? 1 : 0, value ? "True" : "False", false); };
        }
        if (type is DateTimeDataViewType)
        {
            var getter = cursor.GetGetter<DateTime>(column);
            DateTime value = default;
            return () =>
            {
                getter(ref value);
                return value == default ? Cell.Absent : new Cell(value.ToOADate(), Fmt.Date(value), false);
            };
        }
        if (type is KeyDataViewType)
        {
            // Keys: 0 is missing; the number is all we have without the key-value annotation.
            var getter = cursor.GetGetter<uint>(column);
            uint value = 0;
            return () => { getter(ref value); return value == 0 ? Cell.Absent : new Cell(value, value.ToString(CultureInfo.InvariantCulture), false); };
        }
        if (type is TextDataViewType)
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                getter(ref value);
                // The loader already read the value the shared way (NormalizedTextSource): no second trimming here.
                var text = value.ToString();
                if (PipelineGen.Shared.DataValues.IsMissing(text, missingTokens)) return Cell.Absent;
                return mode switch
                {
                    ProfileMode.Numeric => PipelineGen.Shared.DataValues.TryParseNumber(text, out var d)
                        ? new Cell(d, text, false) : new Cell(double.NaN, text, true, Unparsed: true),
                    // Text read as dates the way the data scan checks them: the declared format, else the loader's reading.
                    ProfileMode.Date => PipelineGen.Shared.DataValues.TryParseDateTime(text, dateFormat, out var t)
                        ? new Cell(t.ToOADate(), text, false) : new Cell(double.NaN, text, true, Unparsed: true),
                    _ => new Cell(double.NaN, text, false),
                };
            };
        }
        // Anything else (e.g. DateTimeOffset, TimeSpan): show it, count it, but do not compute with it.
        return () => Cell.Absent;
    }

    private static Func<Cell> Number<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, double> toDouble, bool fromSingle = false)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            var d = toDouble(value);
            // Floats print as floats ("7.8958", not "7.8958001136779785").
            return double.IsNaN(d) ? Cell.Absent : new Cell(d, null, false, FromSingle: fromSingle);
        };
    }
}
