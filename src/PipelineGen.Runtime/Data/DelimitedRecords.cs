using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

// Every reader of rows at run time (the data scan, the model's loader, predict, the test checks, tune's split files)
// must agree on what one row is. The build tool's DelimitedReader joins the same lines (same DelimitedLine calls) but
// keeps its own reading, which tracks character offsets for located diagnostics.

/// <summary>
/// The rows of a delimited file, streamed: each data line, joined with the lines its quoted value continues onto when
/// they read as one record (<see cref="DelimitedLine.QuotedRecordEnd"/>; a line break inside the value reads as
/// <c>\n</c>). Empty lines and lines starting with <c>//</c> are no row. At most <see cref="DelimitedLine.MaxQuotedLines"/>
/// lines are read ahead, never the whole file.
/// </summary>
internal sealed class DelimitedRecords(Func<string?> readLine, char separator)
{
    private readonly List<string> _ahead = []; // lines read to find where a quote left open is closed, not yet consumed
    private int _next; // index in _ahead of the next unconsumed line
    private readonly List<string> _fields = [];
    private readonly List<int> _starts = [];

    /// <summary>Fields a record spanning lines must have (the header's); 0 accepts any count.</summary>
    public int ExpectedFields { get; set; }

    /// <summary>The 1-based number of the last physical line consumed.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// For the record just read when it leaves a quote open: the line whose well-formed close still did not make one
    /// record with it (see <see cref="DelimitedLine.QuotedRecordEnd"/>), 0 when no line within reach closes it.
    /// </summary>
    public long UnjoinedCloseLine { get; private set; }

    /// <summary>The next physical line as it is (the header), null at the end.</summary>
    public string? ReadLine()
    {
        string? line;
        if (_next < _ahead.Count)
        {
            line = _ahead[_next++];
            if (_next == _ahead.Count) { _ahead.Clear(); _next = 0; }
        }
        else line = readLine();
        if (line is not null) LineNumber++;
        return line;
    }

    /// <summary>Reads the header line and expects its field count of every record that spans lines; null at the end.</summary>
    public string? ReadHeader()
    {
        var header = ReadLine();
        if (header is not null)
        {
            DelimitedLine.Split(header, separator, _fields, _starts);
            ExpectedFields = _fields.Count;
        }
        return header;
    }

    /// <summary>The next row: its text (lines joined with <c>\n</c> when a quoted value spans them) and its first line's number.</summary>
    public bool TryRead(out string record, out long firstLine)
    {
        if (!TryReadLine(out record, out firstLine)) return false;
        record = Joined(record, ExpectedFields);
        return true;
    }

    /// <summary>
    /// The next line that is a row, as it is (never joined with the lines below): for a first line that may be a header,
    /// whose names never span lines (a header is read unjoined, as <see cref="ReadHeader"/> reads it), or a row whose field
    /// count is only known once it is known not to be a header (then <see cref="Joined"/>).
    /// </summary>
    public bool TryReadLine(out string line, out long lineNumber)
    {
        UnjoinedCloseLine = 0;
        while (ReadLine() is { } next)
        {
            if (!DelimitedLine.IsDataRow(next)) continue;
            line = next;
            lineNumber = LineNumber;
            return true;
        }
        line = "";
        lineNumber = 0;
        return false;
    }

    /// <summary>
    /// <paramref name="line"/> (the line just read) joined with the lines its open quote continues onto when they read as one
    /// record of <paramref name="expectedFields"/> fields (0: any count), those lines consumed; else the line as it is, with
    /// <see cref="UnjoinedCloseLine"/> set when a later line closes the quote without making one record.
    /// </summary>
    public string Joined(string line, int expectedFields)
    {
        UnjoinedCloseLine = 0;
        if (line.IndexOf('"') < 0 || !DelimitedLine.LeavesQuoteOpen(line, separator)) return line;
        var end = DelimitedLine.QuotedRecordEnd(line, LineAfter, separator, expectedFields, _fields, _starts, out int closedAt);
        if (end is { } last)
        {
            var record = DelimitedLine.Join(line, LineAfter, last);
            for (int i = 0; i <= last; i++) ReadLine();
            return record;
        }
        if (closedAt >= 0) UnjoinedCloseLine = LineNumber + closedAt + 1;
        return line;
    }

    private string? LineAfter(int k)
    {
        while (_ahead.Count - _next <= k)
        {
            if (readLine() is not { } read) return null;
            _ahead.Add(read);
        }
        return _ahead[_next + k];
    }
}
