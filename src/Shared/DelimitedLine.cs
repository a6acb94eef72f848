// Compiled into both PipelineGen.Runtime and PipelineGen.Tool (linked source): the build tool and the run must split
// a line the same way, and neither assembly may depend on the other.
namespace PipelineGen.Shared;

/// <summary>
/// Splits one line of a delimited file into values. This is the one reading of a field that the build tool, the
/// runtime's checks and (through <c>NormalizedTextSource</c>) the model's loader all share:
/// <list type="bullet">
/// <item>Spaces and tabs around a value outside quotes are not part of it (unless the separator is that character):
/// <c>a, &gt;50K ,b</c> reads <c>&gt;50K</c>.</item>
/// <item>A field whose first non-blank character is a double quote runs to the matching quote; separators inside are
/// text, <c>""</c> is a literal quote, and blanks inside the quotes are kept (<c>" x "</c> reads <c> x </c>). Text after
/// the closing quote up to the separator is appended, without its trailing blanks.</item>
/// <item>A quoted value may hold line breaks (RFC 4180): <see cref="QuotedRecordEnd"/> decides whether the lines read as one
/// record, and <c>DelimitedRecords</c> joins them with <c>\n</c>; empty lines and lines starting with <c>//</c> are no
/// row (as in ML.NET's <c>TextLoader</c>).</item>
/// </list>
/// </summary>
internal static class DelimitedLine
{
    /// <summary>How the TextLoader treats a physical line: empty lines and lines starting with <c>//</c> are no row.</summary>
    public static bool IsDataRow(string line) => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="c"/> is a blank that surrounds a value without belonging to it.</summary>
    public static bool IsBlank(char c, char separator) => (c == ' ' || c == '\t') && c != separator;

    /// <summary>
    /// For a quoted value left open at the end of an earlier line: the 0-based offset in <paramref name="next"/> of the
    /// quote that closes it when it is a well-formed close (followed by the separator or the end of the line, blanks
    /// aside), -1 when <paramref name="next"/> has no closing quote (<c>""</c> is a literal quote), and -2 when the
    /// first closing quote is followed by other text (so the lines are not one record with a line break inside quotes,
    /// e.g. two rows that each leave a quote open).
    /// </summary>
    public static int ClosingQuote(string next, char separator)
    {
        for (int i = 0; i < next.Length; i++)
        {
            if (next[i] != '"') continue;
            if (i + 1 < next.Length && next[i + 1] == '"') { i++; continue; }
            int j = i + 1;
            while (j < next.Length && IsBlank(next[j], separator)) j++;
            return j == next.Length || next[j] == separator ? i : -2;
        }
        return -1;
    }

    /// <summary>Lines a quoted value may continue onto before its quote counts as never closed.</summary>
    public const int MaxQuotedLines = 50;

    /// <summary>
    /// For a quoted value with line breaks inside (RFC 4180 allows it): <paramref name="lineAfter"/>(k) is the k-th line
    /// after <paramref name="line"/> (reading ahead as needed), null at the end. Returns the k of the line that closes the
    /// quote <paramref name="line"/> leaves open when the lines up to it read as one well-formed record (the close followed
    /// by a separator or the line's end, no other quote left open, <paramref name="expectedFields"/> fields when it is not
    /// 0, at most <paramref name="maxCharacters"/> characters); else null, with <paramref name="closedAt"/> the k of the
    /// line whose well-formed close still did not make one record (a field count other than expected, a later quote left
    /// open), -1 when no line within <see cref="MaxQuotedLines"/> closes the quote that way. Each line is scanned once for
    /// its closing quote. Every reader of rows decides it here (<c>DelimitedRecords</c>, the build tool's reader).
    /// </summary>
    public static int? QuotedRecordEnd(string line, Func<int, string?> lineAfter, char separator, int expectedFields,
        List<string> fields, List<int> starts, out int closedAt, long maxCharacters = long.MaxValue)
    {
        closedAt = -1;
        long length = line.Length;
        for (int k = 0; k < MaxQuotedLines; k++)
        {
            if (lineAfter(k) is not { } next) return null;
            length += next.Length + 1;
            if (length > maxCharacters) return null;
            int close = ClosingQuote(next, separator);
            if (close == -1) continue;
            if (close == -2) return null;
            bool oneRecord = Split(Join(line, lineAfter, k), separator, fields, starts) < 0 && (expectedFields == 0 || fields.Count == expectedFields);
            if (oneRecord) return k;
            closedAt = k;
            return null;
        }
        return null;
    }

    /// <summary><paramref name="line"/> and the lines after it up to the <paramref name="last"/>-th, as one record: line breaks inside a value read as <c>\n</c> (CRLF files too).</summary>
    public static string Join(string line, Func<int, string?> lineAfter, int last)
    {
        var text = new System.Text.StringBuilder(line);
        for (int i = 0; i <= last; i++) text.Append('\n').Append(lineAfter(i));
        return text.ToString();
    }

    /// <summary>
    /// Whether <see cref="Split"/> finds a quote never closed on <paramref name="line"/>, without building the values:
    /// every row with a quote is asked this (Titanic-like files quote every name), and most close their quotes.
    /// </summary>
    public static bool LeavesQuoteOpen(string line, char separator)
    {
        int i = 0;
        while (true)
        {
            while (i < line.Length && IsBlank(line[i], separator)) i++;
            if (i < line.Length && line[i] == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= line.Length) return true;
                    if (line[i] != '"') continue;
                    if (i + 1 < line.Length && line[i + 1] == '"') { i++; continue; }
                    i++;
                    break;
                }
            }
            int end = line.IndexOf(separator, i);
            if (end < 0) return false;
            i = end + 1;
        }
    }

    /// <summary>Fills <paramref name="fields"/> with the values and <paramref name="fieldStarts"/> with where each value starts (0-based character offsets, after leading blanks).</summary>
    /// <returns>-1, or the 0-based offset of a quote that is never closed.</returns>
    public static int Split(string line, char separator, List<string> fields, List<int> fieldStarts)
    {
        fields.Clear();
        fieldStarts.Clear();
        int i = 0;
        while (true)
        {
            while (i < line.Length && IsBlank(line[i], separator)) i++;
            fieldStarts.Add(i);
            if (i < line.Length && line[i] == '"')
            {
                int quoteAt = i;
                var value = new System.Text.StringBuilder();
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { value.Append('"'); i += 2; continue; }
                        closed = true;
                        i++;
                        break;
                    }
                    value.Append(line[i++]);
                }
                if (!closed) { fields.Add(value.ToString()); return quoteAt; }
                // Text after the closing quote up to the separator belongs to the field, without trailing blanks.
                int end = line.IndexOf(separator, i);
                if (end < 0) end = line.Length;
                value.Append(line, i, TrimmedEnd(line, i, end, separator) - i);
                fields.Add(value.ToString());
                i = end;
            }
            else
            {
                int end = line.IndexOf(separator, i);
                if (end < 0) end = line.Length;
                fields.Add(line.Substring(i, TrimmedEnd(line, i, end, separator) - i));
                i = end;
            }
            if (i >= line.Length) return -1;
            i++; // skip the separator; a trailing separator yields a final empty field
        }
    }

    private static int TrimmedEnd(string line, int start, int end, char separator)
    {
        while (end > start && IsBlank(line[end - 1], separator)) end--;
        return end;
    }
}
