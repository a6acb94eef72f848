using PipelineGen.Shared;
using System.Text;

namespace PipelineGen.Tool.Csv;

/// <summary>
/// A small streaming reader for CSV/TSV that reads the way ML.NET's <c>TextLoader</c> (with quoting) and the runtime's
/// <c>DelimitedLine</c> do, so the build reports the rows the run would trip over: a record is one physical line
/// (LF, CRLF or CR), or the lines a quoted value spans when they read as one (<see cref="DelimitedLine.QuotedRecordEnd"/>);
/// a field starting with <c>"</c> runs to the matching quote, <c>""</c> inside it is a literal quote and
/// separators inside it are text; text after the closing quote up to the separator stays in the field; empty lines and
/// lines starting with <c>//</c> are not rows.
/// </summary>
internal sealed class DelimitedReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly char _separator;
    private readonly char[] _buffer = new char[64 * 1024];
    private int _bufferLength;
    private int _bufferPosition;
    private readonly StringBuilder _line = new();
    private int _lineNumber;

    private readonly int _maxLineCharacters;

    public DelimitedReader(TextReader reader, char separator, int maxLineCharacters = int.MaxValue)
    {
        _reader = reader;
        _separator = separator;
        _maxLineCharacters = maxLineCharacters;
    }

    /// <summary>Characters consumed so far, line breaks included.</summary>
    public long CharactersRead { get; private set; }

    /// <summary>Whether the end of the file has been reached.</summary>
    public bool AtEnd => _eof && _ahead.Count == 0;
    private bool _eof;

    // Lines read ahead to find where a quote opened on an earlier line is closed, not yet returned.
    private readonly List<(string Line, int Number, long Offset)> _ahead = [];

    /// <summary>
    /// Reads the next record, skipping lines that are no rows. False at the end of the file. A header is read with
    /// <paramref name="joinQuotedLines"/> false: the run reads the header as its first line, never joined.
    /// </summary>
    public bool TryRead(out DelimitedRecord record, bool joinQuotedLines = true)
    {
        while (NextLine(out var line, out var number, out var offset))
        {
            if (!DelimitedLine.IsDataRow(line)) continue;
            record = Split(line, [(number, offset, line.Length)]);
            if (!record.HasUnclosedQuote || !joinQuotedLines) return true;
            if (QuoteEnd(line, out int closedAt) is { } end)
            {
                // A value with line breaks inside its quotes (RFC 4180): one record numbered by its first line, read as
                // the run's DelimitedRecords reads it (lines joined with \n); each field still located on its own line.
                var lines = new List<(int, long, int)>(end + 2) { (number, offset, line.Length) };
                for (int k = 0; k <= end; k++) lines.Add((_ahead[k].Number, _ahead[k].Offset, _ahead[k].Line.Length));
                record = Split(DelimitedLine.Join(line, k => _ahead[k].Line, end), lines);
                _ahead.RemoveRange(0, end + 1);
            }
            else if (closedAt >= 0) record = record with { UnjoinedCloseLine = _ahead[closedAt].Number };
            return true;
        }
        record = null!;
        return false;
    }

    private bool NextLine(out string line, out int number, out long offset)
    {
        if (_ahead.Count > 0)
        {
            (line, number, offset) = _ahead[0];
            _ahead.RemoveAt(0);
            return true;
        }
        var read = TryReadLine(out line, out offset);
        number = _lineNumber;
        return read;
    }

    /// <summary>Fields a record has (the header's), when known: a record spanning lines must have exactly as many.</summary>
    public int ExpectedFields { get; set; }

    /// <summary>
    /// The index in the read-ahead lines of the line that closes the quote left open at the end of <paramref name="line"/>
    /// (<see cref="DelimitedLine.QuotedRecordEnd"/>, within the line length limit); null when there is none, with
    /// <paramref name="closedAt"/> the index of a line whose close does not make one record, else -1.
    /// </summary>
    private int? QuoteEnd(string line, out int closedAt)
    {
        string? LineAfter(int k)
        {
            while (k >= _ahead.Count)
            {
                if (_eof || !TryReadLine(out var next, out var offset)) return null;
                _ahead.Add((next, _lineNumber, offset));
            }
            return _ahead[k].Line;
        }
        return DelimitedLine.QuotedRecordEnd(line, LineAfter, _separator, ExpectedFields, [], [], out closedAt, _maxLineCharacters);
    }

    private bool TryReadLine(out string line, out long offset)
    {
        _line.Clear();
        offset = CharactersRead;
        var sawAny = false;
        while (true)
        {
            if (_bufferPosition == _bufferLength)
            {
                _bufferLength = _reader.Read(_buffer, 0, _buffer.Length);
                _bufferPosition = 0;
                if (_bufferLength == 0)
                {
                    _eof = true;
                    line = _line.ToString();
                    if (!sawAny) return false;
                    _lineNumber++;
                    return true;
                }
            }
            sawAny = true;
            var start = _bufferPosition;
            while (_bufferPosition < _bufferLength && _buffer[_bufferPosition] is not ('\n' or '\r')) _bufferPosition++;
            // A file with no line breaks (or a binary file) would otherwise be read into memory whole.
            if ((long)_line.Length + (_bufferPosition - start) > _maxLineCharacters)
                throw new DataLineTooLongException(_lineNumber + 1, offset, _maxLineCharacters);
            _line.Append(_buffer, start, _bufferPosition - start);
            CharactersRead += _bufferPosition - start;
            if (_bufferPosition == _bufferLength) continue;

            var newline = _buffer[_bufferPosition++];
            CharactersRead++;
            if (newline == '\r')
            {
                if (_bufferPosition == _bufferLength)
                {
                    _bufferLength = _reader.Read(_buffer, 0, _buffer.Length);
                    _bufferPosition = 0;
                }
                if (_bufferPosition < _bufferLength && _buffer[_bufferPosition] == '\n')
                {
                    _bufferPosition++;
                    CharactersRead++;
                }
            }
            _lineNumber++;
            line = _line.ToString();
            return true;
        }
    }

    /// <summary>
    /// Splits a record's text (one line, or lines joined with <c>\n</c>) into fields with the runtime's own splitter
    /// (shared source), locating each field on the physical line it starts on. <paramref name="lines"/>: each physical
    /// line's number, file offset and length, in order.
    /// </summary>
    internal DelimitedRecord Split(string text, IReadOnlyList<(int Number, long Offset, int Length)> lines)
    {
        var fields = new List<string>();
        var starts = new List<int>();
        var unclosedAt = DelimitedLine.Split(text, _separator, fields, starts);
        DataPosition Locate(int index)
        {
            // index is 0-based in text, where each line after the first starts one past the \n ending the one before.
            int lineStart = 0, k = 0;
            while (k + 1 < lines.Count && index > lineStart + lines[k].Length) lineStart += lines[k++].Length + 1;
            return new DataPosition(lines[k].Number, index - lineStart + 1, lines[k].Offset + index - lineStart);
        }
        return new DelimitedRecord(lines[0].Number, lines[0].Offset, fields, starts.Select(Locate).ToList(), Locate(text.Length),
            unclosedAt < 0 ? null : Locate(unclosedAt));
    }

    public void Dispose() => _reader.Dispose();
}
