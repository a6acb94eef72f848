namespace PipelineGen.Tool.Csv;

/// <summary>One record (a physical line, or the lines a quoted value spans) of a delimited file, with where each field starts for diagnostics.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="LineOffset">0-based character offset of the line's first character in the file.</param>
/// <param name="FieldColumns">1-based column of each field's first character.</param>
/// <param name="EndColumn">1-based column just after the record's last character (where the line break is).</param>
/// <param name="UnclosedQuoteColumn">1-based column of a quote that opens a field and is never closed on this line; 0 if none.</param>
internal sealed record DelimitedRecord(int Line, long LineOffset, IReadOnlyList<string> Fields, IReadOnlyList<int> FieldColumns, int EndColumn, int UnclosedQuoteColumn)
{
    public bool HasUnclosedQuote => UnclosedQuoteColumn > 0;

    /// <summary>
    /// When the unclosed quote is closed on a later line whose close still does not make one record with the lines
    /// before it (another field count than the header's, another quote left open): that line's number, 0 otherwise.
    /// (A record that does read as one across lines is returned whole, with no unclosed quote.)
    /// </summary>
    public int UnjoinedCloseLine { get; init; }
}
