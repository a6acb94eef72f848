using System.Globalization;
using System.Text.RegularExpressions;
using PipelineGen.Shared;

namespace PipelineGen.Tool.Inference;

/// <summary>The column types of a spec (<c>SpecShape.ColumnTypes</c>) and how a sampled value is tested for each.</summary>
internal static class ValueKinds
{
    public const string Numeric = "numeric";
    public const string Categorical = "categorical";
    public const string Text = "text";
    public const string Boolean = "boolean";
    public const string DateTime = "datetime";

    /// <summary>What makes a column inferred boolean: true/false words only (1/0 columns stay numeric).</summary>
    public static bool IsBoolean(string value) => DataValues.IsTrueFalseWord(value);

    /// <summary>Invariant-culture double, no thousands separators (the shared reading, <see cref="DataValues.IsNumber"/>).</summary>
    public static bool IsNumeric(string value) => DataValues.IsNumber(value);

    // Numbers as other cultures write them, which the run does not read as numbers: "1,234.50" / "1 234" (thousands
    // separator) and "7,25" (decimal comma). "1,234" matches both. Interpreted, not Compiled (as below).
    private static readonly Regex ThousandsSeparated = new(@"^[+-]?\d{1,3}([,' \u00A0]\d{3})+(\.\d+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex DecimalComma = new(@"^[+-]?\d+,\d+$", RegexOptions.CultureInvariant);

    /// <summary>A number written with a thousands separator ("1,234.50", "12 500"); trimmed first.</summary>
    public static bool IsThousandsSeparatedNumber(string value) => ThousandsSeparated.IsMatch(value.Trim());

    /// <summary>A number written with a decimal comma ("7,25"); trimmed first.</summary>
    public static bool IsDecimalCommaNumber(string value) => DecimalComma.IsMatch(value.Trim());

    // ISO-8601-like dates and date-times only: DateTime.TryParse alone would take "1.5" or "3" for a date.
    // Interpreted, not Compiled: compiling costs more start-up time than a 5,000-row sample saves.
    private static readonly Regex IsoDateLike = new(
        @"^\d{4}[-/]\d{1,2}[-/]\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$",
        RegexOptions.CultureInvariant);

    public static bool IsDateTime(string value) =>
        IsoDateLike.IsMatch(value)
        && System.DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.RoundtripKind, out _);

    /// <summary>
    /// Whether a value can be read as the given declared type (categorical and text read anything). A declared date column
    /// is read as the run reads it: with its declared format, else the loader's reading (which takes 03/04/2019 month-first).
    /// </summary>
    public static bool Fits(string type, string value, string? dateFormat = null) => type switch
    {
        Numeric => IsNumeric(value),
        Boolean => DataValues.IsBoolean(value), // every spelling the loader reads, not just true/false
        DateTime => DataValues.IsDateTime(value, dateFormat),
        _ => true,
    };

    public static int CountWords(string value)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c)) inWord = false;
            else if (!inWord) { inWord = true; words++; }
        }
        return words;
    }
}
