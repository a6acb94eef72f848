namespace PipelineGen.Tool.Csv;

/// <summary>One record (a physical line, or the lines a quoted value spans) of a delimited file, with where each field starts for diagnostics.</summary>
/// <param name="Line">1-based number of the record's first line.</param>
/// <param name="LineOffset">0-based character offset of that line's first character in the file.</param>
/// <param name="FieldStarts">Where each field's first character is in the file: a field after a line break inside an
/// earlier quoted value starts on a later line than the record, so diagnostics point there, not at the record's start.</param>
/// <param name="End">Just after the record's last character (where its final line break is).</param>
/// <param name="UnclosedQuote">A quote that opens a field and is never closed in the record; null if none.</param>
internal sealed record DelimitedRecord(int Line, long LineOffset, IReadOnlyList<string> Fields, IReadOnlyList<DataPosition> FieldStarts, DataPosition End, DataPosition? UnclosedQuote)
{
    public bool HasUnclosedQuote => UnclosedQuote is not null;

    /// <summary>
    /// When the unclosed quote is closed on a later line whose close still does not make one record with the lines
    /// before it (another field count than the header's, another quote left open): that line's number, 0 otherwise.
    /// (A record that does read as one across lines is returned whole, with no unclosed quote.)
    /// </summary>
    public int UnjoinedCloseLine { get; init; }
}

/// <summary>A place in a data file: 1-based physical line and column, 0-based character offset in the file.</summary>
internal readonly record struct DataPosition(int Line, int Column, long Offset);
