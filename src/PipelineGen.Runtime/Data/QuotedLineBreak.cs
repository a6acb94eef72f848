using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// A quoted value with line breaks inside (RFC 4180 allows it; the loader reads one row per line): where the quote left
/// open on one line is closed, so the data scan and <c>predict</c> name the lines the value spans instead of calling
/// the quote "never closed". The build tool's reader does the same (PG0308).
/// </summary>
internal static class QuotedLineBreak
{
    /// <summary>Lines a quoted value may continue onto before its quote counts as never closed.</summary>
    public const int MaxLines = 50;

    /// <summary>
    /// <paramref name="lineAfter"/>(k) is the k-th line after <paramref name="line"/> (reading ahead as needed), null at
    /// the end. Returns the k of the line that closes the quote <paramref name="line"/> leaves open when the lines up
    /// to it read as one well-formed record (the close followed by a separator or the line's end, no other quote left
    /// open, <paramref name="expectedFields"/> fields); else null. Each line is scanned once for its closing quote.
    /// </summary>
    public static int? End(string line, Func<int, string?> lineAfter, char separator, int expectedFields, List<string> fields, List<int> starts)
    {
        for (int k = 0; k < MaxLines; k++)
        {
            if (lineAfter(k) is not { } next) return null;
            int close = DelimitedLine.ClosingQuote(next, separator);
            if (close == -1) continue;
            if (close == -2) return null;
            var joined = string.Join('\n', Enumerable.Range(0, k + 1).Select(i => lineAfter(i)!).Prepend(line));
            bool oneRecord = DelimitedLine.Split(joined, separator, fields, starts) < 0 && fields.Count == expectedFields;
            return oneRecord ? k : null;
        }
        return null;
    }

    /// <summary>The problem's text for a value opened at <paramref name="openQuote"/> on <paramref name="startLine"/> and closed on <paramref name="endLine"/>.</summary>
    public static string Message(int openQuote, long startLine, long endLine) =>
        $"the quoted value opened at character {openQuote + 1} continues onto line {endLine}: a line break inside quotes, which CSV allows but the loader does not (it reads one row per line), so lines {startLine}-{endLine} cannot be read as one row.";

    /// <summary>What to do; <paramref name="skipApplies"/>: the spec's bad-row policy decides (not for predict, which scores every row or none).</summary>
    public static string Hint(bool skipApplies) =>
        "Replace the line breaks inside quoted values (with a space, or an escape such as \\n)" + (skipApplies ? "; with data.bad_rows: skip, these lines are left out." : ".");
}
