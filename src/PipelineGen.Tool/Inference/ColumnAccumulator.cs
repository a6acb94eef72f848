using System.Globalization;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Tool.Inference;

/// <summary>Everything the inference needs about one column, gathered one sampled value at a time.</summary>
internal sealed class ColumnAccumulator
{
    // Thresholds for text vs categorical: free text is long or multi-word and mostly unique.
    internal const double TextMinAverageWords = 3;
    internal const double TextMinAverageLength = 30;
    internal const double TextMinDistinctRatio = 0.5;

    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
    private bool _allBoolean = true, _allNumeric = true, _allDateTime = true;
    private long _totalLength, _totalWords;

    public ColumnAccumulator(string name, int index)
    {
        Name = name;
        Index = index;
    }

    public string Name { get; }
    public int Index { get; }
    public int MissingCount { get; private set; }
    public int ValueCount { get; private set; }

    public void AddMissing() => MissingCount++;

    public void Add(string value)
    {
        ValueCount++;
        _distinct.Add(value);
        var trimmed = value.Trim();
        // Cheapest and most specific checks first; once a test fails it is never run again.
        if (_allBoolean) _allBoolean = ValueKinds.IsBoolean(trimmed);
        if (_allNumeric) _allNumeric = ValueKinds.IsNumeric(trimmed);
        if (_allDateTime) _allDateTime = ValueKinds.IsDateTime(trimmed);
        _totalLength += value.Length;
        _totalWords += ValueKinds.CountWords(value);
    }

    public string InferType()
    {
        // A column with no values at all reads safely as a category (everything is the 'missing' category).
        if (ValueCount == 0) return ValueKinds.Categorical;
        if (_allBoolean) return ValueKinds.Boolean;
        if (_allNumeric) return ValueKinds.Numeric;
        if (_allDateTime) return ValueKinds.DateTime;
        var averageWords = (double)_totalWords / ValueCount;
        var averageLength = (double)_totalLength / ValueCount;
        var distinctRatio = (double)_distinct.Count / ValueCount;
        return (averageWords >= TextMinAverageWords || averageLength >= TextMinAverageLength) && distinctRatio >= TextMinDistinctRatio
            ? ValueKinds.Text
            : ValueKinds.Categorical;
    }

    public InferredColumn ToColumn()
    {
        var type = InferType();
        var values = _distinct.Count <= SchemaFile.MaxDistinctValues
            ? Sorted(type).ToEquatableArray()
            : EquatableArray<string>.Empty;
        return new InferredColumn(Name, Index, type, MissingCount, _distinct.Count, values);
    }

    // Deterministic order whatever the row order: numbers by value, everything else ordinally.
    private IEnumerable<string> Sorted(string type) => type == ValueKinds.Numeric
        ? _distinct.OrderBy(v => double.Parse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(v => v, StringComparer.Ordinal)
        : _distinct.OrderBy(v => v, StringComparer.Ordinal);
}
