namespace PipelineGen.Runtime.Exploration;

internal sealed record ColumnProfile
{
    public required string Name { get; init; }
    public required ColumnKind Kind { get; init; }
    public required ColumnRole Role { get; init; }
    /// <summary>ML.NET type of the loaded column.</summary>
    public required string DataType { get; init; }
    /// <summary>Non-missing values.</summary>
    public long Count { get; init; }
    public long Missing { get; init; }
    public double MissingPercent { get; init; }
    public long Distinct { get; init; }
    /// <summary>The distinct count hit the cap: the true count is "more than <see cref="Distinct"/>".</summary>
    public bool DistinctIsLowerBound { get; init; }
    /// <summary>Numbers and dates.</summary>
    public NumericSummary? Numeric { get; init; }
    public bool IsDate { get; init; }
    /// <summary>Text columns: statistics of the length in characters.</summary>
    public NumericSummary? TextLength { get; init; }
    public IReadOnlyList<HistogramBin> Histogram { get; init; } = [];
    /// <summary>Histogram counts were scaled up from the reservoir sample.</summary>
    public bool HistogramFromSample { get; init; }
    public IReadOnlyList<ValueCount> TopValues { get; init; } = [];
    /// <summary>Rows whose value is not among <see cref="TopValues"/>.</summary>
    public long OtherCount { get; init; }
    /// <summary>Values that did not parse as the column's kind (counted as missing).</summary>
    public long Unparsed { get; init; }
}
