using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Collects, during an evaluation, each row's prediction from the model that did not see it (out-of-fold): the
/// positive-class probability of a calibrated binary model (its score otherwise), or the score of a regression. Under
/// repeated K-fold a row is predicted once per repeat and the predictions are averaged; under a holdout only the
/// validation rows get one (the others stay NaN). This is what ensemble selection combines (Caruana et al. 2004).
/// </summary>
internal sealed partial class OutOfFoldCollector
{
    private double[]? _sum;
    private int[]? _count;
    private double[]? _label;

    /// <summary>What the values are: <c>probability</c> or <c>score</c> (<c>classes</c>: multiclass, see <see cref="ClassResult"/>). Null until the first split was added.</summary>
    public string? Kind { get; private set; }

    /// <summary>Adds the scored validation part of one split (rows in the order of the data, filtered by <paramref name="split"/>).</summary>
    public void Add(DataSplit split, long totalRows, MlTaskKind task, IDataView scored)
    {
        if (task == MlTaskKind.MulticlassClassification)
        {
            // A score vector per row: kept apart (OutOfFoldCollector.Classes.cs), class slots matched by name across folds.
            AddClasses(split, totalRows, scored);
            return;
        }
        _sum ??= new double[totalRows];
        _count ??= new int[totalRows];
        _label ??= Enumerable.Repeat(double.NaN, checked((int)totalRows)).ToArray();
        var schema = scored.Schema;
        var valueColumn = task == MlTaskKind.BinaryClassification && schema.GetColumnOrNull("Probability") is { } p ? p : schema["Score"];
        string kind = valueColumn.Name == "Probability" ? "probability" : "score";
        if (Kind is not null && Kind != kind) throw new InvalidOperationException($"out-of-fold predictions mix {Kind} and {kind}.");
        Kind = kind;
        var label = schema["Label"];
        using var cursor = scored.GetRowCursor([valueColumn, label]);
        var getValue = cursor.GetGetter<float>(valueColumn);
        Func<double> readLabel;
        if (label.Type == BooleanDataViewType.Instance)
        {
            var g = cursor.GetGetter<bool>(label);
            readLabel = () => { bool b = false; g(ref b); return b ? 1 : 0; };
        }
        else
        {
            var g = cursor.GetGetter<float>(label);
            readLabel = () => { float f = 0; g(ref f); return f; };
        }
        long row = -1;
        float value = 0;
        while (cursor.MoveNext())
        {
            row = split.NextValidationRow(row);
            getValue(ref value);
            _sum[row] += value;
            _count[row]++;
            _label[row] = readLabel();
        }
    }

    /// <summary>Per row of the data: the mean out-of-fold prediction (NaN where the row was never validated) and its label.</summary>
    public (double[] Predictions, double[] Labels) Result()
    {
        if (_sum is null) return ([], []);
        var predictions = new double[_sum.Length];
        for (int i = 0; i < predictions.Length; i++) predictions[i] = _count![i] == 0 ? double.NaN : _sum[i] / _count[i];
        return (predictions, _label!);
    }
}
