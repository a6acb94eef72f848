using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>Rewrites one data line into the shared reading (see <see cref="NormalizedTextSource"/>).</summary>
internal sealed class LineNormalizer
{
    private readonly char _separator;
    private readonly bool[] _numeric; // by field index
    private readonly bool[] _dateTime; // by field index
    private readonly string?[] _dateFormat; // by field index: a date column's declared format
    private readonly HashSet<string>[] _missingTokens; // by field index: the global tokens and the column's own
    private readonly string[][] _plainMissingTokens; // by field index: tokens the fast path cannot tell from a number by their characters
    private readonly List<string> _fields = [];
    private readonly List<int> _starts = [];
    private readonly StringBuilder _text = new();

    private LineNormalizer(PipelineSettings settings)
    {
        _separator = settings.Separator;
        HasHeader = settings.HasHeader;
        var width = settings.Columns.Count == 0 ? 0 : settings.Columns.Max(c => c.Index) + 1;
        _numeric = new bool[width];
        _dateTime = new bool[width];
        _dateFormat = new string?[width];
        var global = settings.MissingTokenSetOf(null);
        _missingTokens = Enumerable.Repeat(global, width).ToArray();
        foreach (var column in settings.Columns)
        {
            _numeric[column.Index] = column.Kind == ColumnKind.Numeric;
            _dateTime[column.Index] = column.Kind == ColumnKind.DateTime;
            if (column.Kind == ColumnKind.DateTime) _dateFormat[column.Index] = column.DateFormat;
            // Only a column with tokens of its own gets its own set: a -1 that is missing in one column stays -1 in the others.
            if (column.MissingTokens.Count > 0) _missingTokens[column.Index] = settings.MissingTokenSetOf(column);
        }
        var globalPlain = PlainNumberTokens(global);
        _plainMissingTokens = _missingTokens.Select(set => ReferenceEquals(set, global) ? globalPlain : PlainNumberTokens(set)).ToArray();
    }

    private static string[] PlainNumberTokens(IEnumerable<string> tokens) =>
        tokens.Where(t => t.Length > 0 && DataValues.IsPlainNumberText(t)).ToArray();

    public bool HasHeader { get; }

    public static LineNormalizer For(PipelineSettings settings) => new(settings);

    private bool IsNumericField(int field) => field < _numeric.Length && _numeric[field];

    // The loader throws on a DateTime it cannot parse, missing tokens such as '?' included: those are written empty
    // (the loader's missing DateTime). The data scan has already failed or skipped a row whose date is not one.
    private bool IsUnreadableDate(int field, ReadOnlySpan<char> value) =>
        field < _dateTime.Length && _dateTime[field] && value.Length > 0 && !DataValues.IsDateTime(value, _dateFormat[field]);

    private string? DeclaredFormat(int field) => field < _dateFormat.Length ? _dateFormat[field] : null;

    // A date in a declared format (03/04/2019 as dd/MM/yyyy) goes to the loader as ISO 8601, which it reads one way only.
    private bool AppendDeclaredDate(StringBuilder text, int field, ReadOnlySpan<char> value)
    {
        if (DeclaredFormat(field) is not { } format || value.Length == 0) return false;
        if (DataValues.TryParseDateTime(value, format, out var date)) text.Append(DataValues.ToLoaderText(date));
        return true; // unreadable: written empty, as any unreadable date
    }

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
                if (AppendDeclaredDate(text, field, slice) || IsUnreadableDate(field, slice)) { }
                else if (!IsNumericField(field) || (DataValues.IsPlainNumberText(slice) && !IsPlainMissingToken(field, slice))) text.Append(slice);
                else AppendNumber(text, field, slice.ToString());
                field++;
                start = i + 1;
            }
            return KeepARow(text.ToString());
        }
        if (DelimitedLine.Split(line, _separator, _fields, _starts) >= 0) return line; // unclosed quote: a bad row, left as it is
        for (int i = 0; i < _fields.Count; i++)
        {
            if (i > 0) text.Append(_separator);
            if (IsNumericField(i)) AppendNumber(text, i, _fields[i]);
            else if (!AppendDeclaredDate(text, i, _fields[i]) && !IsUnreadableDate(i, _fields[i])) AppendText(text, _fields[i]);
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

    // Called for numeric fields only, which are all within the settings' width.
    private bool IsPlainMissingToken(int field, ReadOnlySpan<char> value)
    {
        foreach (var token in _plainMissingTokens[field])
            if (value.SequenceEqual(token)) return true;
        return false;
    }

    private void AppendNumber(StringBuilder text, int field, string value)
    {
        // Missing, or not a number: empty, which the loader reads as NaN (MissingRealsAsNaNs).
        if (DataValues.IsMissing(value, _missingTokens[field]) || !DataValues.TryParseNumber(value, out var number) || double.IsNaN(number)) return;
        if (DataValues.IsPlainNumberText(value)) text.Append(value);
        else if (double.IsPositiveInfinity(number)) text.Append("Infinity");
        else if (double.IsNegativeInfinity(number)) text.Append("-Infinity");
        else text.Append(number.ToString("R", CultureInfo.InvariantCulture));
    }

    private void AppendText(StringBuilder text, string value)
    {
        bool quote = value.Length > 0
            && (DelimitedLine.IsBlank(value[0], _separator) || DelimitedLine.IsBlank(value[^1], _separator)
                || value.IndexOf(_separator) >= 0 || value.IndexOf('"') >= 0 || value.IndexOf('\n') >= 0); // a line break only inside quotes
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
                if (!DataValues.IsPlainNumberText(span) || IsPlainMissingToken(field, span)) return true;
            }
            if (i > start && DeclaredFormat(field) is not null) return true;
            if (IsUnreadableDate(field, line.AsSpan(start, i - start))) return true;
            field++;
            start = i + 1;
        }
        return false;
    }
}
