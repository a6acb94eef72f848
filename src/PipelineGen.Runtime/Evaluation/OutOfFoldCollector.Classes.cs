using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>
/// Multiclass out-of-fold predictions: each row's <c>Score</c> vector (ML.NET's class probabilities) from the fold
/// model that did not see it. Each fold's model numbers the classes in the order its own training part met them, so a
/// slot is identified by the label's key value (the class name), and the result uses one order for every trial: the
/// class names sorted ordinally. A class a fold's model never saw gets probability 0 from it.
/// </summary>
internal sealed partial class OutOfFoldCollector
{
    private readonly Dictionary<string, int> _classIndex = new(StringComparer.Ordinal);
    private Dictionary<int, double>[]? _classSums;
    private string?[]? _classLabel;

    private void AddClasses(DataSplit split, long totalRows, IDataView scored)
    {
        if (Kind is not null && Kind != "classes") throw new InvalidOperationException($"out-of-fold predictions mix {Kind} and classes.");
        Kind = "classes";
        _classSums ??= new Dictionary<int, double>[totalRows];
        _count ??= new int[totalRows];
        _classLabel ??= new string?[totalRows];
        var schema = scored.Schema;
        var score = schema["Score"];
        var label = schema["Label"];
        var names = KeyNames(label);
        var slots = names.Select(n => _classIndex.TryGetValue(n, out int i) ? i : _classIndex[n] = _classIndex.Count).ToArray();
        using var cursor = scored.GetRowCursor([score, label]);
        var getScore = cursor.GetGetter<VBuffer<float>>(score);
        var getLabel = cursor.GetGetter<uint>(label);
        var buffer = default(VBuffer<float>);
        uint key = 0;
        long row = -1;
        while (cursor.MoveNext())
        {
            row = split.NextValidationRow(row);
            getScore(ref buffer);
            getLabel(ref key);
            var sums = _classSums[row] ??= new Dictionary<int, double>();
            var values = buffer.DenseValues().ToArray();
            for (int k = 0; k < values.Length && k < slots.Length; k++)
                sums[slots[k]] = sums.GetValueOrDefault(slots[k]) + values[k];
            _count[row]++;
            if (key >= 1 && key <= names.Length) _classLabel[row] = names[key - 1];
        }
    }

    /// <summary>
    /// Multiclass: the class names (sorted ordinally), per row the mean out-of-fold probability of each class, row-major
    /// (row r, class k at r·K + k; NaN where the row was never validated), and the label as the class's index (NaN likewise).
    /// </summary>
    public (string[] Classes, double[] Predictions, double[] Labels) ClassResult()
    {
        if (_classSums is null) return ([], [], []);
        var classes = _classIndex.Keys.Order(StringComparer.Ordinal).ToArray();
        var order = classes.Select(c => _classIndex[c]).ToArray();
        int k = classes.Length, n = _classSums.Length;
        var predictions = new double[n * k];
        var labels = new double[n];
        for (int r = 0; r < n; r++)
        {
            labels[r] = _classLabel![r] is { } name ? Array.IndexOf(classes, name) : double.NaN;
            for (int c = 0; c < k; c++)
                predictions[r * k + c] = _count![r] == 0 ? double.NaN : _classSums[r]?.GetValueOrDefault(order[c]) / _count[r] ?? 0;
        }
        return (classes, predictions, labels);
    }

    /// <summary>The label's key values as invariant text, in key order: what the Score slots of this fold's model mean.</summary>
    internal static string[] KeyNames(DataViewSchema.Column label) => ClassKeys.Read(label, "the multiclass label").Names;
}
