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
}
