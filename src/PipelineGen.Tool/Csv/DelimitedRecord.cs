namespace PipelineGen.Tool.Csv;

/// <summary>One record (physical line) of a delimited file, with where each field starts for diagnostics.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="LineOffset">0-based character offset of the line's first character in the file.</param>
/// <param name="FieldColumns">1-based column of each field's first character.</param>
/// <param name="EndColumn">1-based column just after the record's last character (where the line break is).</param>
/// <param name="UnclosedQuoteColumn">1-based column of a quote that opens a field and is never closed on this line; 0 if none.</param>
internal sealed record DelimitedRecord(int Line, long LineOffset, IReadOnlyList<string> Fields, IReadOnlyList<int> FieldColumns, int EndColumn, int UnclosedQuoteColumn)
{
    public bool HasUnclosedQuote => UnclosedQuoteColumn > 0;

    /// <summary>
    /// When the unclosed quote is closed on a later line (a line break inside a quoted value, which CSV allows and
    /// the loader, reading one row per line, does not): that line's number; the lines up to it belong to this record
    /// and are not read as rows of their own. 0 otherwise.
    /// </summary>
    public int QuoteEndLine { get; init; }
}
