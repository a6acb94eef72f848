using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec.Data;

/// <summary>
/// What the build tool learnt about one spec's data file from its header and a bounded sample of rows.
/// Written to obj/ by the tool, read by the generator (which may not open data files itself).
/// </summary>
public sealed record InferredSchema(
    string SpecPath,
    string DataPath,
    int RowsSampled,
    bool SampleIsComplete,
    EquatableArray<InferredColumn> Columns,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public InferredColumn? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);
}

/// <param name="Type">numeric, categorical, text, boolean or datetime.</param>
/// <param name="DistinctValues">The distinct non-missing values seen, when there were at most <see cref="SchemaFile.MaxDistinctValues"/>.</param>
public sealed record InferredColumn(string Name, int Index, string Type, int MissingCount, int DistinctCount, EquatableArray<string> DistinctValues)
{
    public bool DistinctValuesKnown => DistinctCount <= SchemaFile.MaxDistinctValues;

    /// <summary>Rows (of the sample) holding each of <see cref="DistinctValues"/>, in the same order; empty when not recorded.</summary>
    public EquatableArray<int> ValueCounts { get; init; } = EquatableArray<int>.Empty;

    /// <summary>The 1-based line of the data file where each of <see cref="DistinctValues"/> first occurs (0 when unknown); empty when not recorded.</summary>
    public EquatableArray<int> ValueLines { get; init; } = EquatableArray<int>.Empty;

    /// <summary>Whether <see cref="ValueCounts"/> and <see cref="ValueLines"/> describe <see cref="DistinctValues"/> one to one.</summary>
    public bool ValueCountsKnown => DistinctValuesKnown && ValueCounts.Count == DistinctValues.Count && ValueLines.Count == DistinctValues.Count && DistinctValues.Count > 0;
}
