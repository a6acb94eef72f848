using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Training;

/// <summary>Reads one column of the current row as plain .NET values (vectors expand to one cell per slot).</summary>
internal sealed class CellReader
{
    private readonly Func<object?[]> _read;

    private CellReader(string name, IReadOnlyList<string> headers, IReadOnlyList<string> slotLabels, bool isVector, Func<object?[]> read)
    {
        Name = name;
        Headers = headers;
        SlotLabels = slotLabels;
        IsVector = isVector;
        _read = read;
    }

    public string Name { get; }
    public IReadOnlyList<string> Headers { get; }
    public IReadOnlyList<string> SlotLabels { get; }
    public bool IsVector { get; }
    public object?[] Read() => _read();

    public static CellReader Create(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType vector)
        {
            if (!vector.IsKnownSize)
                throw new NotSupportedException($"Column '{column.Name}' is a variable-length vector and cannot be written as cells.");
            // A multiclass Score of a label that is not text has no slot names in ML.NET: the predicted label's key values
            // name its slots (the same names the typed API pairs with the scores), not the slot indexes.
            var labels = ReadSlotLabels(column, vector.Size) ?? (column.Name == "Score" ? Prediction.ClassNames.OfUnnamedScore(cursor.Schema) : null)
                ?? Enumerable.Range(0, vector.Size).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var headers = labels.Select(l => $"{column.Name}.{l}").ToArray();
            Func<object?[]> read = vector.ItemType switch
            {
                var t when t == NumberDataViewType.Single => VectorReader<float>(cursor, column),
                var t when t == NumberDataViewType.Double => VectorReader<double>(cursor, column),
                _ => throw new NotSupportedException($"Column '{column.Name}' is a vector of {vector.ItemType}; only numeric vectors are written."),
            };
            return new CellReader(column.Name, headers, labels, true, read);
        }
        // Multiclass: the model's 'PredictedLabelValue' is what the typed API calls PredictedLabel; one name in every output.
        var name = PublicName(column.Name);
        return new CellReader(name, [name], [name], false, ScalarReader(cursor, column));
    }

    /// <summary>The name a prediction column has in predict's CSV and JSON output: the generated property's name.</summary>
    public static string PublicName(string columnName) => columnName == "PredictedLabelValue" ? "PredictedLabel" : columnName;

    private static string[]? ReadSlotLabels(DataViewSchema.Column column, int size)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { Size: var n } } && n == size)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.Annotations.GetValue("SlotNames", ref names);
            var dense = names.DenseValues().Select(v => v.ToString()).ToArray();
            if (dense.All(s => s.Length > 0) && dense.Distinct().Count() == dense.Length)
                return dense;
        }
        return null;
    }

    private static Func<object?[]> VectorReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer.DenseValues().Select(v => (object?)v).ToArray();
        };
    }

    private static Func<object?[]> Scalar<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, object?> convert)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return [convert(value)];
        };
    }

    private static Func<object?[]> ScalarReader(DataViewRowCursor cursor, DataViewSchema.Column column) => column.Type switch
    {
        TextDataViewType => Scalar<ReadOnlyMemory<char>>(cursor, column, v => v.ToString()),
        BooleanDataViewType => Scalar<bool>(cursor, column, v => v),
        DateTimeDataViewType => Scalar<DateTime>(cursor, column, v => v),
        DateTimeOffsetDataViewType => Scalar<DateTimeOffset>(cursor, column, v => v),
        TimeSpanDataViewType => Scalar<TimeSpan>(cursor, column, v => v),
        KeyDataViewType key => KeyReader(cursor, column, key),
        var t when t == NumberDataViewType.Single => Scalar<float>(cursor, column, v => v),
        var t when t == NumberDataViewType.Double => Scalar<double>(cursor, column, v => v),
        var t when t == NumberDataViewType.Int32 => Scalar<int>(cursor, column, v => v),
        var t when t == NumberDataViewType.Int64 => Scalar<long>(cursor, column, v => v),
        var t when t == NumberDataViewType.UInt32 => Scalar<uint>(cursor, column, v => v),
        var t when t == NumberDataViewType.Int16 => Scalar<short>(cursor, column, v => v),
        var t when t == NumberDataViewType.Byte => Scalar<byte>(cursor, column, v => v),
        _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which predict cannot write."),
    };

    /// <summary>A key column is written as its value (key 1 → first value); key 0 is missing.</summary>
    private static Func<object?[]> KeyReader(DataViewRowCursor cursor, DataViewSchema.Column column, KeyDataViewType key)
    {
        string[]? values = null;
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            column.Annotations.GetValue("KeyValues", ref buffer);
            values = buffer.DenseValues().Select(v => v.ToString()).ToArray();
        }
        if (key.RawType != typeof(uint))
            throw new NotSupportedException($"Column '{column.Name}' is a key of {key.RawType.Name}; only UInt32 keys are written.");
        return Scalar<uint>(cursor, column, k => k == 0 ? null : values is not null && k <= values.Length ? values[k - 1] : (object)(k - 1));
    }
}
