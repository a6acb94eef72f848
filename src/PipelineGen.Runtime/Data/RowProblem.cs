namespace PipelineGen.Runtime.Data;

/// <summary>One bad row (or header) of a data file, with where it is and what to do about it.</summary>
/// <remarks><c>LineNumber</c>: 1-based physical line in the file. <c>ColumnNumber</c>: 1-based field position in the line (the column the name refers to).</remarks>
internal sealed record RowProblem(
    RowProblemKind Kind, string FilePath, long LineNumber, int ColumnNumber, string? ColumnName, string Message, string FixHint)
{
    public override string ToString() =>
        $"{FilePath}: line {LineNumber}, column {ColumnNumber}{(ColumnName is null ? "" : $" ('{ColumnName}')")}: {Message} Fix: {FixHint}";
}
