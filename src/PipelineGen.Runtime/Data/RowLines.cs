namespace PipelineGen.Runtime.Data;

/// <summary>
/// The 1-based physical line of each loader row (a row spanning lines: its first): the numbering bad-row messages use
/// (<see cref="RowProblem.LineNumber"/>). A row's line is its index plus an offset (the header, the empty or comment
/// lines before it, and the further lines of earlier rows whose quoted values span lines), so only the rows
/// where the offset changes are kept: a file without skipped lines costs one entry, never one per row.
/// </summary>
internal sealed class RowLines
{
    private readonly List<long> _firstRow = [0];
    private readonly List<long> _offset;

    /// <param name="firstOffset">Line minus row index of row 0 when no line is skipped: 2 with a header line, 1 without.</param>
    public RowLines(long firstOffset) => _offset = [firstOffset];

    /// <summary>Row <paramref name="row"/> was read from line <paramref name="line"/>; rows must be noted in order.</summary>
    public void Note(long row, long line)
    {
        long offset = line - row;
        if (offset == _offset[^1]) return;
        if (_firstRow[^1] == row) _offset[^1] = offset;
        else { _firstRow.Add(row); _offset.Add(offset); }
    }

    /// <summary>The 1-based line of loader row <paramref name="row"/> (0-based).</summary>
    public long LineOf(long row)
    {
        int at = _firstRow.BinarySearch(row);
        if (at < 0) at = ~at - 1;
        return row + _offset[at];
    }
}
