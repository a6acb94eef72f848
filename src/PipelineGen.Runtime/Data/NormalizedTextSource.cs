using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>What generated <c>LoadData</c> calls: ML.NET's <c>TextLoader</c> over the file as the shared reading reads it.</summary>
public static class DelimitedData
{
    /// <summary>
    /// Loads <paramref name="path"/> with <paramref name="options"/>, feeding the loader each line rewritten in the
    /// one reading of values (<see cref="NormalizedTextSource"/>), so the model sees what the build inferred and the
    /// run's checks counted. Streams: one line at a time.
    /// </summary>
    public static IDataView Load(MLContext mlContext, TextLoader.Options options, string path, PipelineSettings settings)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        return mlContext.Data.CreateTextLoader(options).Load(new NormalizedTextSource(path, settings));
    }

    /// <summary>Loads <paramref name="path"/> with the columns of <paramref name="settings"/> (what generated <c>LoadData</c> calls).</summary>
    public static IDataView Load(MLContext mlContext, string path, PipelineSettings settings) =>
        Load(mlContext, PipelineGen.Runtime.PipelineSteps.LoaderOptions(settings), path, settings);
}

/// <summary>
/// A data file as ML.NET's <c>TextLoader</c> should see it. The loader has its own field parser, which differs from the
/// reading the build tool and the run's checks share (<c>src/Shared</c>): it skips leading spaces but keeps trailing
/// ones (<c>"&lt;=50K "</c>) and leading tabs, drops a value with text after its closing quote, reads a quoted
/// <c>" 3 "</c> in a numeric column as NaN, and reads a numeric missing token such as <c>-1</c> as the number.
/// So each data line is rewritten before the loader parses it: every value as <c>DelimitedLine</c> reads it, quoted
/// only where the loader needs quotes to keep it whole; in numeric columns missing tokens and values that are not
/// numbers become empty (NaN), other numbers are written in a form the loader reads identically. Lines that need
/// nothing of this pass through untouched; the header, empty and comment lines, and lines with an unclosed quote
/// (bad rows, reported by <see cref="DataScan"/>) pass through unchanged, so line numbers and row order stay the same.
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

    public TextReader OpenTextReader(int index) =>
        new NormalizingReader(new StreamReader(_path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), LineNormalizer.For(_settings));

    private sealed class NormalizingReader(TextReader inner, LineNormalizer normalizer) : TextReader
    {
        private bool _headerPending = normalizer.HasHeader;
        private string? _buffer; // the current line plus "\n", for the character-wise reads
        private int _position;

        private string? NextLine()
        {
            var line = inner.ReadLine();
            if (line is null) return null;
            if (_headerPending) { _headerPending = false; return line; }
            return normalizer.Normalize(line);
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

/// <summary>Rewrites one data line into the shared reading (see <see cref="NormalizedTextSource"/>).</summary>
internal sealed class LineNormalizer
{
    private readonly char _separator;
    private readonly bool[] _numeric; // by field index
    private readonly HashSet<string> _missingTokens;
    private readonly string[] _plainMissingTokens; // tokens the fast path cannot tell from a number by their characters
    private readonly List<string> _fields = [];
    private readonly List<int> _starts = [];
    private readonly StringBuilder _text = new();

    private LineNormalizer(PipelineSettings settings)
    {
        _separator = settings.Separator;
        HasHeader = settings.HasHeader;
        var width = settings.Columns.Count == 0 ? 0 : settings.Columns.Max(c => c.Index) + 1;
        _numeric = new bool[width];
        foreach (var column in settings.Columns) _numeric[column.Index] = column.Kind == ColumnKind.Numeric;
        _missingTokens = new HashSet<string>(settings.MissingValueTokens, StringComparer.Ordinal);
        _plainMissingTokens = settings.MissingValueTokens.Where(t => t.Length > 0 && DataValues.IsPlainNumberText(t)).ToArray();
    }

    public bool HasHeader { get; }

    public static LineNormalizer For(PipelineSettings settings) => new(settings);

    private bool IsNumericField(int field) => field < _numeric.Length && _numeric[field];

    public string Normalize(string line)
    {
        if (!DelimitedLine.IsDataRow(line) || !NeedsRewrite(line)) return line;
        var text = _text.Clear();
        if (line.IndexOf('"') < 0)
        {
            // No quotes (the common case, e.g. a blank after every separator): each value is the field's slice without
            // its surrounding blanks, which DelimitedLine.Split would return too; no string per field.
            int field = 0, start = 0;
            for (int i = 0; i <= line.Length; i++)
            {
                if (i < line.Length && line[i] != _separator) continue;
                int from = start, to = i;
                while (from < to && DelimitedLine.IsBlank(line[from], _separator)) from++;
                while (to > from && DelimitedLine.IsBlank(line[to - 1], _separator)) to--;
                if (field > 0) text.Append(_separator);
                var slice = line.AsSpan(from, to - from);
                if (!IsNumericField(field) || (DataValues.IsPlainNumberText(slice) && !IsPlainMissingToken(slice))) text.Append(slice);
                else AppendNumber(text, slice.ToString());
                field++;
                start = i + 1;
            }
            return KeepARow(text.ToString());
        }
        if (DelimitedLine.Split(line, _separator, _fields, _starts) >= 0) return line; // unclosed quote: a bad row, left as it is
        for (int i = 0; i < _fields.Count; i++)
        {
            if (i > 0) text.Append(_separator);
            if (IsNumericField(i)) AppendNumber(text, _fields[i]);
            else AppendText(text, _fields[i]);
        }
        return KeepARow(text.ToString());
    }

    /// <summary>
    /// A data row must stay a row: the loader skips lines starting with "//" as comments, so a first value that starts
    /// with "//" once its blanks or quotes are gone is written quoted again (as the row it was in the file).
    /// </summary>
    private string KeepARow(string normalized)
    {
        if (!normalized.StartsWith("//", StringComparison.Ordinal)) return normalized;
        int end = normalized.IndexOf(_separator);
        if (end < 0) end = normalized.Length;
        return "\"" + normalized[..end].Replace("\"", "\"\"") + "\"" + normalized[end..];
    }

    private bool IsPlainMissingToken(ReadOnlySpan<char> value)
    {
        foreach (var token in _plainMissingTokens)
            if (value.SequenceEqual(token)) return true;
        return false;
    }

    private void AppendNumber(StringBuilder text, string value)
    {
        // Missing, or not a number: empty, which the loader reads as NaN (MissingRealsAsNaNs).
        if (DataValues.IsMissing(value, _missingTokens) || !DataValues.TryParseNumber(value, out var number) || double.IsNaN(number)) return;
        if (DataValues.IsPlainNumberText(value)) text.Append(value);
        else if (double.IsPositiveInfinity(number)) text.Append("Infinity");
        else if (double.IsNegativeInfinity(number)) text.Append("-Infinity");
        else text.Append(number.ToString("R", CultureInfo.InvariantCulture));
    }

    private void AppendText(StringBuilder text, string value)
    {
        bool quote = value.Length > 0
            && (DelimitedLine.IsBlank(value[0], _separator) || DelimitedLine.IsBlank(value[^1], _separator)
                || value.IndexOf(_separator) >= 0 || value.IndexOf('"') >= 0);
        if (!quote) { text.Append(value); return; }
        text.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }

    /// <summary>
    /// Whether the loader could read the line differently from the shared reading: a blank at either end of a field, a
    /// numeric field that is not plainly a number or is a missing token written like one, or a quote anywhere but
    /// around a plain text value. No allocation: most lines of most files pass here.
    /// </summary>
    private bool NeedsRewrite(string line)
    {
        int field = 0, start = 0;
        for (int i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && line[i] == '"')
            {
                // A quoted text value the loader (AllowQuoting) reads exactly as the shared reading does passes through:
                // quotes opening the field and closing it right before a separator or the end, no quote inside, not
                // empty, no blank at either end inside the quotes. Titanic-like files quote every name; rewriting
                // those lines cost 15% of training time.
                if (i != start || IsNumericField(field)) return true;
                int close = line.IndexOf('"', i + 1);
                if (close < 0 || close == i + 1) return true;
                if (close + 1 < line.Length && line[close + 1] != _separator) return true;
                if (DelimitedLine.IsBlank(line[i + 1], _separator) || DelimitedLine.IsBlank(line[close - 1], _separator)) return true;
                i = close; // the next character ends the field as usual
                continue;
            }
            if (i < line.Length && line[i] != _separator) continue;
            if (i > start && (DelimitedLine.IsBlank(line[start], _separator) || DelimitedLine.IsBlank(line[i - 1], _separator))) return true;
            if (IsNumericField(field) && i > start)
            {
                var span = line.AsSpan(start, i - start);
                if (!DataValues.IsPlainNumberText(span) || IsPlainMissingToken(span)) return true;
            }
            field++;
            start = i + 1;
        }
        return false;
    }
}
