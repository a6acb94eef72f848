using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// A quoted value with line breaks inside (RFC 4180 allows it; the loader reads one row per line), found by
/// <see cref="DelimitedLine.QuotedRecordEnd"/>: the data scan and <c>predict</c> name the lines the value spans instead of
/// calling the quote "never closed", in these words. The build tool's reader finds it the same way (PG0308).
/// </summary>
internal static class QuotedLineBreak
{
    /// <summary>The problem's text for a value opened at <paramref name="openQuote"/> on <paramref name="startLine"/> and closed on <paramref name="endLine"/>.</summary>
    public static string Message(int openQuote, long startLine, long endLine) =>
        $"the quoted value opened at character {openQuote + 1} continues onto line {endLine}: a line break inside quotes, which CSV allows but the loader does not (it reads one row per line), so lines {startLine}-{endLine} cannot be read as one row.";

    /// <summary>What to do; <paramref name="skipApplies"/>: the spec's bad-row policy decides (not for predict, which scores every row or none).</summary>
    public static string Hint(bool skipApplies) =>
        "Replace the line breaks inside quoted values (with a space, or an escape such as \\n)" + (skipApplies ? "; with data.bad_rows: skip, these lines are left out." : ".");
}
