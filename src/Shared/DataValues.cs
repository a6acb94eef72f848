// Compiled into both PipelineGen.Runtime and PipelineGen.Tool (linked source), like DelimitedLine.cs: what counts as
// missing, as a number and as a boolean is decided here once, for the build's inference and the run's checks alike.
using System.Globalization;

namespace PipelineGen.Shared;

/// <summary>
/// How a value read by <see cref="DelimitedLine"/> is interpreted. Missing: the empty value, or exactly (ordinal,
/// case-sensitive) one of the spec's missing-value tokens. Number: an invariant-culture decimal or exponent number
/// (<c>.</c> as the decimal point, no thousands separator). Boolean: the spellings ML.NET's loader accepts.
/// </summary>
internal static class DataValues
{
    public static bool IsMissing(string value, ISet<string> missingTokens) => value.Length == 0 || missingTokens.Contains(value);

    public static bool TryParseNumber(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    public static bool IsNumber(string value) => TryParseNumber(value, out _);

    /// <summary>A number that reads as infinite ("Infinity", "-Infinity", "1e999") — as ML.NET reads numeric columns, in
    /// 32-bit floats, so "1e39" and "1e308" too: no model can use it as a value (a min-max or z-score step turns every
    /// other value of the column into 0 or NaN), so the run refuses it.</summary>
    public static bool IsInfiniteNumber(string value) => TryParseNumber(value, out var number) && float.IsInfinity((float)number);

    /// <summary>Why <see cref="IsInfiniteNumber"/> holds, for messages: spelled infinite, or beyond a 32-bit float.</summary>
    public static string DescribeInfinite(string value) =>
        TryParseNumber(value, out var number) && double.IsFinite(number)
            ? "is beyond the range of a 32-bit float (about ±3.4e38), in which numbers are read, so it would be read as infinity"
            : "is an infinite number";

    /// <summary>Whether the value is written the way ML.NET's number parser reads it identically: digits, sign, point and exponent only.</summary>
    public static bool IsPlainNumberText(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (c is not ((>= '0' and <= '9') or '.' or '-' or '+' or 'e' or 'E')) return false;
        return true;
    }

    /// <summary>The spellings ML.NET's boolean conversion accepts (any case): true/false, t/f, yes/no, y/n, 1/0, +1/-1.</summary>
    public static bool TryParseBoolean(string value, out bool result)
    {
        result = ContractNames.IsTrueSpelling(value);
        return result || ContractNames.IsFalseSpelling(value);
    }

    public static bool IsBoolean(string value) => TryParseBoolean(value, out _);

    /// <summary>
    /// Whether ML.NET's loader reads the value as a DateTime (its conversion: invariant culture, universal time). The
    /// loader throws on any other value of a DateTime column, so such a value is a bad row, never left to it.
    /// </summary>
    public static bool IsDateTime(ReadOnlySpan<char> value) => TryParseDateTime(value, out _);

    /// <summary>The value as the loader reads it (UTC: an offset is applied, no offset means UTC), so a served row's date and a file's agree.</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> value, out DateTime result) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, Universal, out result);

    /// <summary>
    /// The value read with the column's declared format (<c>data.columns.NAME.format</c>, exactly, invariant culture,
    /// blanks around it allowed), else as the loader reads it; UTC either way, as <see cref="TryParseDateTime(ReadOnlySpan{char}, out DateTime)"/>.
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> value, string? format, out DateTime result) =>
        format is null ? TryParseDateTime(value, out result)
            : DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture, Universal | DateTimeStyles.AllowWhiteSpaces, out result);

    public static bool IsDateTime(ReadOnlySpan<char> value, string? format) => TryParseDateTime(value, format, out _);

    private const DateTimeStyles Universal = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    /// <summary>
    /// A date read with a declared format, written the way the loader reads it back unchanged (ISO 8601 round trip, UTC):
    /// what a data line carries to the loader once <see cref="TryParseDateTime(ReadOnlySpan{char}, string?, out DateTime)"/> has read it.
    /// </summary>
    public static string ToLoaderText(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>What a value of a date column must look like: the declared format, else ISO 8601.</summary>
    public static string DateTimeHintFor(string column, string? format) =>
        format is null ? DateTimeHint : $"Write dates of '{column}' in its declared format '{format}' (data.columns.{column}.format)";

    /// <summary>How to write a date and time the loader reads: what a bad-row message says to do.</summary>
    public const string DateTimeHint = "Write dates as ISO 8601 (2019-03-04 or 2019-03-04 16:11:55, optionally with a UTC offset)";

    /// <summary>
    /// The class a label value is, as the loader reads it: numbers by value ("1" and "1.0" are one class), booleans by
    /// truth, anything else as written. The build's PG0112 and the run's test-label check compare label values with it.
    /// </summary>
    public static string LabelClass(string value, bool numeric, bool boolean) =>
        numeric && TryParseNumber(value, out var number) ? number.ToString("R", CultureInfo.InvariantCulture)
        : boolean ? (ContractNames.IsTrueSpelling(value) ? "true" : "false")
        : value;

    /// <summary>Whether the value is a true/false word: what makes the build infer a boolean column (1/0 columns stay numeric).</summary>
    public static bool IsTrueFalseWord(string value) =>
        value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);
}
