using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// A data file as ML.NET's <c>TextLoader</c> should see it. The loader has its own field parser, which differs from the
/// reading the build tool and the run's checks share (<c>src/Shared</c>): it skips leading spaces but keeps trailing
/// ones (<c>"&lt;=50K "</c>) and leading tabs, drops a value with text after its closing quote, reads a quoted
/// <c>" 3 "</c> in a numeric column as NaN, and reads a numeric missing token such as <c>-1</c> as the number.
/// So each data line is rewritten before the loader parses it: every value as <c>DelimitedLine</c> reads it, quoted
/// only where the loader needs quotes to keep it whole; in numeric columns missing tokens and values that are not
/// numbers become empty (NaN), other numbers are written in a form the loader reads identically. Rows are the records of
/// <see cref="DelimitedRecords"/> (a quoted value may span lines), as for <see cref="DataScan"/>, so both count the same
/// rows in the same order. Rows that need nothing of this pass through untouched; the header, and rows with an
/// unclosed quote (bad rows, reported by <see cref="DataScan"/>) pass through unchanged; empty and comment lines are
/// left out (the loader skips them too).
/// </summary>
internal sealed class NormalizedTextSource : IMultiStreamSource
{
    private readonly string _path;
    private readonly PipelineSettings _settings;

    public NormalizedTextSource(string path, PipelineSettings settings)
    {
        _path = path;
        _settings = settings;
    }

    public int Count => 1;

    public string GetPathOrNull(int index) => _path;

    /// <summary>The normalised text as UTF-8 (the loader reads through <see cref="OpenTextReader"/>; this is for anything that asks for bytes).</summary>
    public Stream Open(int index)
    {
        using var reader = OpenTextReader(index);
        return new MemoryStream(Encoding.UTF8.GetBytes(reader.ReadToEnd()), writable: false);
    }

    public TextReader OpenTextReader(int index)
    {
        var inner = new StreamReader(_path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return new NormalizingReader(inner, _settings, LineNormalizer.For(_settings));
    }

    // ML.NET's TextLoader reads its source with ReadLine (without ReadMultilines): a "line" returned here is one row, so a
    // record whose quoted value spans lines is returned whole, the line breaks inside its quotes kept, and the loader's
    // quoting reads them as text. (ReadMultilines would let a quote never closed swallow the rows after it.)
    private sealed class NormalizingReader(TextReader inner, PipelineSettings settings, LineNormalizer normalizer) : TextReader
    {
        private DelimitedRecords? _records;
        private string? _buffer; // the current line plus "\n", for the character-wise reads
        private int _position;

        private string? NextLine()
        {
            if (_records is null)
            {
                // The same rows as the data scan: what follows the header, read by DelimitedData.RowsAfterHeader.
                _records = DelimitedData.RowsAfterHeader(inner, settings, out var header);
                if (header is not null) return header;
            }
            return _records.TryRead(out var record, out _) ? normalizer.Normalize(record) : null;
        }

        private bool Fill()
        {
            if (_buffer is not null && _position < _buffer.Length) return true;
            var line = NextLine();
            if (line is null) { _buffer = null; return false; }
            _buffer = line + "\n";
            _position = 0;
            return true;
        }

        public override string? ReadLine()
        {
            if (_buffer is not null && _position < _buffer.Length)
            {
                var rest = _buffer.Substring(_position, _buffer.Length - _position - 1);
                _buffer = null;
                return rest;
            }
            return NextLine();
        }

        public override int Peek() => Fill() ? _buffer![_position] : -1;

        public override int Read() => Fill() ? _buffer![_position++] : -1;

        public override int Read(char[] buffer, int index, int count)
        {
            if (count == 0 || !Fill()) return 0;
            var n = Math.Min(count, _buffer!.Length - _position);
            _buffer.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
