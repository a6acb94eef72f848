namespace PipelineGen.Runtime;

/// <summary>One data column as the build inferred it (and the spec overrode it).</summary>
/// <param name="Name">Column name as written in the data header.</param>
/// <param name="Index">Zero-based position in the data file.</param>
/// <param name="PropertyName">Name of the generated C# property.</param>
/// <param name="Kind">How the column is read and featurised.</param>
/// <param name="Role">What the column is used for.</param>
/// <param name="HasMissing">The sampled data had missing values in this column.</param>
/// <param name="UnparsableAsMissing">The spec declares the column numeric: values that are not numbers are read as missing
/// and counted (a warning), not bad rows.</param>
public sealed record ColumnInfo(string Name, int Index, string PropertyName, ColumnKind Kind, ColumnRole Role, bool HasMissing, bool UnparsableAsMissing = false)
{
    /// <summary>
    /// A date column's declared format (<c>data.columns.NAME.format</c>: a .NET custom date and time format, read exactly,
    /// invariant culture); null reads dates as the loader does (ISO 8601; numeric dates month-first).
    /// </summary>
    public string? DateFormat { get; init; }

    /// <summary>
    /// Tokens that mean missing in this column only (<c>data.columns.NAME.missing_values</c>), in addition to
    /// <see cref="PipelineSettings.MissingValueTokens"/>: a -1 that means unknown here may be a real value elsewhere.
    /// </summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = [];
}
