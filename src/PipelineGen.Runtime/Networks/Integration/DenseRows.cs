using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>Featurised ML.NET rows → the network's dense arrays, and the seeded early-stopping hold-out.</summary>
internal static class DenseRows
{
    /// <summary>One pass of one cursor over Features and Label. Rows without a label (missing key, NaN) are skipped, as ML.NET's trainers do.</summary>
    public static (DenseDataset Rows, int Classes) Read(IDataView data, DenseNetworkOptions options, DenseLoss loss)
    {
        var schema = data.Schema;
        var featureColumn = schema.GetColumnOrNull(options.FeatureColumnName)
            ?? throw new InvalidOperationException($"The dense network needs a '{options.FeatureColumnName}' column of numbers; the data has none.");
        if (featureColumn.Type is not VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } vector || n.RawType != typeof(float))
            throw new InvalidOperationException($"The dense network needs '{options.FeatureColumnName}' to be a fixed-size vector of Single; it is {featureColumn.Type}.");
        var labelColumn = schema.GetColumnOrNull(options.LabelColumnName)
            ?? throw new InvalidOperationException($"The dense network needs a '{options.LabelColumnName}' column; the data has none.");
        var width = vector.Size;
        var classes = 0;
        switch (loss)
        {
            case DenseLoss.BinaryLogistic when labelColumn.Type != BooleanDataViewType.Instance:
                throw new InvalidOperationException($"A binary dense network needs a Boolean '{options.LabelColumnName}'; it is {labelColumn.Type}.");
            case DenseLoss.Softmax when labelColumn.Type is not KeyDataViewType:
                throw new InvalidOperationException($"A multiclass dense network needs a key-typed '{options.LabelColumnName}' (MapValueToKey); it is {labelColumn.Type}.");
            case DenseLoss.Softmax:
                classes = checked((int)((KeyDataViewType)labelColumn.Type).Count);
                break;
            case DenseLoss.SquaredError when labelColumn.Type != NumberDataViewType.Single:
                throw new InvalidOperationException($"A regression dense network needs a Single '{options.LabelColumnName}'; it is {labelColumn.Type}.");
        }

        var features = new List<float>();
        var targets = new List<float>();
        using var cursor = data.GetRowCursor(new[] { featureColumn, labelColumn });
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        Func<float> getTarget = loss switch
        {
            DenseLoss.BinaryLogistic => Getter<bool>(cursor, labelColumn, b => b ? 1f : 0f),
            DenseLoss.Softmax => Getter<uint>(cursor, labelColumn, k => k == 0 ? float.NaN : k - 1),
            _ => Getter<float>(cursor, labelColumn, f => f),
        };
        var row = default(VBuffer<float>);
        var dense = new float[width];
        while (cursor.MoveNext())
        {
            var target = getTarget();
            if (float.IsNaN(target)) continue;
            getFeatures(ref row);
            row.CopyTo(dense);
            features.AddRange(dense);
            targets.Add(target);
        }
        return (new DenseDataset(features.ToArray(), targets.ToArray(), width, classes), classes);
    }

    private static Func<float> Getter<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, float> convert)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () => { getter(ref value); return convert(value); };
    }

    /// <summary>
    /// The early-stopping hold-out: a seeded shuffle of the rows, the first validation_fraction of them held out
    /// (at least one row; none when early stopping is off). Same seed and rows → same split.
    /// </summary>
    public static (DenseDataset Training, DenseDataset? Validation) Split(DenseDataset all, DenseNetworkOptions options)
    {
        if (!options.HoldsOut || all.Rows < 2) return (all, null);
        var order = Enumerable.Range(0, all.Rows).ToArray();
        var rng = DenseRandom.Stream(options.Seed, purpose: 17);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var held = Math.Clamp((int)Math.Round(all.Rows * options.ValidationFraction), 1, all.Rows - 1);
        return (Subset(all, order.AsSpan(held)), Subset(all, order.AsSpan(0, held)));
    }

    private static DenseDataset Subset(DenseDataset all, ReadOnlySpan<int> rows)
    {
        var width = all.FeatureCount;
        var features = new float[rows.Length * width];
        var targets = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            all.Row(rows[i]).CopyTo(features.AsSpan(i * width, width));
            targets[i] = all.Target(rows[i]);
        }
        return new DenseDataset(features, targets, width, all.Classes);
    }
}
