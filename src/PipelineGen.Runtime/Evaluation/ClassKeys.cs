using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// A multiclass key column's classes: its key values in key order (key 1 = index 0), kept in the label's own type (text,
/// Single, Double, Int32, Int64, Boolean — whatever <c>MapValueToKey</c> was given), with an invariant text name per class
/// for matching and display. <see cref="IndexToKey"/> turns a 0-based class index back into a key with these same key
/// values, so a composed model's <c>PredictedLabel</c>/<c>PredictedLabelValue</c> have the types a generated pipeline's have.
/// </summary>
internal sealed class ClassKeys
{
    private readonly Func<MLContext, string, string, string, IEstimator<ITransformer>> _indexToKey;

    private ClassKeys(DataViewType itemType, string[] names, Func<MLContext, string, string, string, IEstimator<ITransformer>> indexToKey)
    {
        ItemType = itemType;
        Names = names;
        _indexToKey = indexToKey;
    }

    /// <summary>The type of the key values (the label's own type); text when the key has no key values.</summary>
    public DataViewType ItemType { get; }

    /// <summary>The classes as invariant text, in key order ("R" for floating point, "true"/"false" for Boolean).</summary>
    public string[] Names { get; }

    public int Count => Names.Length;

    /// <summary>Same classes, same order, same type: slot k of one Score vector means slot k of the other.</summary>
    public bool SameAs(ClassKeys other) => ItemType.Equals(other.ItemType) && Names.SequenceEqual(other.Names, StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="indexColumn"/> (a Single holding a 0-based class index) → <paramref name="valueColumn"/> (the class
    /// value, the label's type) → <paramref name="keyColumn"/> (a key whose key values are exactly these classes).
    /// Built from ML.NET's saveable value mappings only.
    /// </summary>
    public IEstimator<ITransformer> IndexToKey(MLContext ml, string indexColumn, string valueColumn, string keyColumn) =>
        _indexToKey(ml, indexColumn, valueColumn, keyColumn);

    /// <summary>The classes of a key column; <paramref name="what"/> names it in the error for an unsupported type.</summary>
    public static ClassKeys Read(DataViewSchema.Column key, string what)
    {
        if (key.Type is not KeyDataViewType keyType)
            throw new InvalidOperationException($"{what} column '{key.Name}' is {key.Type}, not a key; its classes cannot be matched to score slots.");
        int count = checked((int)keyType.Count);
        if (key.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType { ItemType: var item } })
            return Of(TextDataViewType.Instance, Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), s => s);
        return item switch
        {
            TextDataViewType => Of<ReadOnlyMemory<char>, string>(item, key, v => v.ToString(), v => v.ToString()),
            NumberDataViewType when item.RawType == typeof(float) => Of<float, float>(item, key, v => v, v => v.ToString("R", CultureInfo.InvariantCulture)),
            NumberDataViewType when item.RawType == typeof(double) => Of<double, double>(item, key, v => v, v => v.ToString("R", CultureInfo.InvariantCulture)),
            NumberDataViewType when item.RawType == typeof(int) => Of<int, int>(item, key, v => v, v => v.ToString(CultureInfo.InvariantCulture)),
            NumberDataViewType when item.RawType == typeof(long) => Of<long, long>(item, key, v => v, v => v.ToString(CultureInfo.InvariantCulture)),
            BooleanDataViewType => Of<bool, bool>(item, key, v => v, v => v ? "true" : "false"),
            _ => throw new NotSupportedException($"{what} column '{key.Name}' has key values of type {item}; multiclass labels are supported as text, Single, Double, Int32, Int64 or Boolean. Declare the label column 'type: categorical' to use text."),
        };
    }

    private static ClassKeys Of<TRaw, T>(DataViewType item, DataViewSchema.Column key, Func<TRaw, T> value, Func<T, string> name)
    {
        var raw = default(VBuffer<TRaw>);
        key.GetKeyValues(ref raw);
        return Of(item, raw.DenseValues().Select(value).ToArray(), name);
    }

    private static ClassKeys Of<T>(DataViewType item, T[] values, Func<T, string> name) =>
        new(item, values.Select(name).ToArray(), (ml, index, value, key) =>
        {
            var lookup = ml.Data.LoadFromEnumerable(values.Select((v, i) => new IndexToValue<T> { Index = i, Value = v }));
            // The key data fixes the key values' order (key k+1 = class k) and type (the label's own).
            var keys = ml.Data.LoadFromEnumerable(values.Select(v => new KeyValue<T> { Value = v }));
            return ml.Transforms.Conversion.MapValue(value, lookup, lookup.Schema[nameof(IndexToValue<T>.Index)], lookup.Schema[nameof(IndexToValue<T>.Value)], index)
                .Append(ml.Transforms.Conversion.MapValueToKey(key, value, keyData: keys));
        });

    private sealed class IndexToValue<T> { public float Index { get; set; } public T Value { get; set; } = default!; }
    private sealed class KeyValue<T> { public T Value { get; set; } = default!; }
}
