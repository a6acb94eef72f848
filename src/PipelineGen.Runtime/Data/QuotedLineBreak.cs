using System.Globalization;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// The words for a quote left open at the end of a line that does not start a record spanning lines (a well-formed one
/// is read as one row, see <see cref="DelimitedRecords"/>): the data scan and <c>predict</c> say so in these words; the
/// build tool's reader says the same as PG0307/PG0308.
/// </summary>
internal static class QuotedLineBreak
{
    /// <summary>Why "never closed" is said: no line within reach closes the quote (a value may span that many lines).</summary>
    public static readonly string NotWithin = string.Create(CultureInfo.InvariantCulture, $" (nor on the next {DelimitedLine.MaxQuotedLines} lines)");

    /// <summary>A value opened at <paramref name="openQuote"/> on <paramref name="startLine"/> whose close on <paramref name="closeLine"/> does not make one row.</summary>
    public static string Message(int openQuote, long startLine, long closeLine, int expectedFields) => string.Create(CultureInfo.InvariantCulture,
        $"the quoted value opened at character {openQuote + 1} is closed on line {closeLine}, but lines {startLine}-{closeLine} do not read as one row of {expectedFields} fields (a separator or a quote missing or extra?), so each line is read as a row of its own.");

    /// <summary>What to do; <paramref name="skipApplies"/>: the spec's bad-row policy decides (not for predict, which scores every row or none).</summary>
    public static string Hint(bool skipApplies) =>
        "Check the quotes and separators on those lines (double a literal quote inside a quoted value: \"\")" + (skipApplies ? "; with data.bad_rows: skip, such rows are left out." : ".");
}
