// Compiled into both PipelineGen.Runtime and PipelineGen.Tool (linked source), like DataValues.cs: whether a column of
// numeric dates (03/04/2019) could be day-first is decided here once, for the build's sample and the run's scan alike.
using System.Globalization;
using System.Text.RegularExpressions;

namespace PipelineGen.Shared;

/// <summary>
/// Watches the values of one date column without a declared format. The loader reads a numeric date month-first
/// (invariant culture), so a day-first file whose days are all 12 or less is read silently swapped. A value whose second
/// number is above 12 proves the column month-first; one whose first number is above 12 proves it day-first; a value
/// with both numbers 12 or less (and different) could be either.
/// </summary>
internal sealed class DateOrder
{
    // Day and month first (1-2 digits each), the same separator twice, a 2- or 4-digit year, then a time or nothing.
    private static readonly Regex NumericDate = new(@"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[ T])(.*)$", RegexOptions.CultureInvariant);

    public bool ProvesMonthFirst { get; private set; }

    /// <summary>The first value that only reads day-first (13/04/2019), or null.</summary>
    public string? DayFirstExample { get; private set; }

    /// <summary>The first value that reads either way (03/04/2019), or null.</summary>
    public string? AmbiguousExample { get; private set; }

    /// <summary>True once for the value that becomes <see cref="AmbiguousExample"/>, so the caller can note where it is.</summary>
    public bool Observe(string value)
    {
        if (ProvesMonthFirst || !TryNumbers(value, out var first, out var second)) return false;
        if (second > 12 && first <= 12) { ProvesMonthFirst = true; return false; }
        if (first > 12 && second <= 12) { DayFirstExample ??= value; return false; }
        if (first != second && first is >= 1 and <= 12 && second >= 1 && AmbiguousExample is null) { AmbiguousExample = value; return true; }
        return false;
    }

    /// <summary>The column may be read swapped: some value reads either way and none proves month-first.</summary>
    public bool IsAmbiguous => AmbiguousExample is not null && !ProvesMonthFirst;

    /// <summary>Whether the value is a numeric date with the day and month first in some order (03/04/2019, 3.4.19 10:15).</summary>
    public static bool IsNumericDate(string value) => TryNumbers(value, out _, out _);

    /// <summary>Whether the value only reads day-first (its first number is above 12, its second 12 or less).</summary>
    public static bool IsDayFirstOnly(string value) => TryNumbers(value, out var first, out var second) && first > 12 && second <= 12;

    // By hand, not with NumericDate: the scan calls this for every date of a file, and the regex cost more than the
    // rest of the scan together (measured: 300,000 ISO dates, 0.65 s scan without it, 1.06 s with the regex).
    private static bool TryNumbers(string value, out int first, out int second)
    {
        second = 0;
        var s = value.AsSpan().Trim();
        int at = 0;
        if (!Digits(s, ref at, 1, 2, out first) || at >= s.Length || s[at] is not ('/' or '.' or '-')) return false;
        char sep = s[at++];
        if (!Digits(s, ref at, 1, 2, out second) || at >= s.Length || s[at++] != sep) return false;
        int yearStart = at;
        if (!Digits(s, ref at, 2, 4, out _) || at - yearStart == 3) return false;
        return at == s.Length || s[at] is ' ' or 'T';
    }

    private static bool Digits(ReadOnlySpan<char> s, ref int at, int min, int max, out int number)
    {
        number = 0;
        int start = at;
        while (at < s.Length && at - start < max && s[at] is >= '0' and <= '9') number = number * 10 + (s[at++] - '0');
        // More digits than max (2019-...) is no match either.
        return at - start >= min && (at >= s.Length || s[at] is < '0' or > '9');
    }

    /// <summary>
    /// The day-first format of a value like <paramref name="example"/> ("03/04/2019 10:15" gives "dd/MM/yyyy HH:mm"):
    /// what a message proposes to declare. A time part it does not recognise is left for the user to add.
    /// </summary>
    public static string DayFirstFormat(string example)
    {
        var m = NumericDate.Match(example.Trim());
        if (!m.Success) return "dd/MM/yyyy";
        var sep = m.Groups[2].Value;
        var date = (m.Groups[1].Length == 2 ? "dd" : "d") + sep + (m.Groups[3].Length == 2 ? "MM" : "M") + sep + (m.Groups[4].Length == 4 ? "yyyy" : "yy");
        var time = m.Groups[5].Value;
        var t = Regex.Match(time, @"^([ T])(\d{1,2}):(\d{2})(:\d{2})?$", RegexOptions.CultureInvariant);
        if (!t.Success) return date;
        var join = t.Groups[1].Value == "T" ? "'T'" : " ";
        return date + join + (t.Groups[2].Length == 2 ? "HH" : "H") + ":mm" + (t.Groups[4].Success ? ":ss" : "");
    }

    /// <summary>The month-first format of the same shape: what to declare to say the month-first reading is meant.</summary>
    public static string MonthFirstFormat(string example)
    {
        var dayFirst = DayFirstFormat(example);
        int cut = dayFirst.IndexOf(' ') is >= 0 and var space ? space : dayFirst.IndexOf('\'') is >= 0 and var quote ? quote : dayFirst.Length;
        var parts = dayFirst.Substring(0, cut);
        var sep = parts.First(c => c is '/' or '.' or '-');
        var pieces = parts.Split(sep);
        return pieces[1] + sep + pieces[0] + sep + pieces[2] + dayFirst.Substring(cut);
    }

    /// <summary>The example read month-first and day-first ("March 4", "3 April"), as the messages show them.</summary>
    public static (string MonthFirst, string DayFirst) Readings(string example)
    {
        var names = CultureInfo.InvariantCulture.DateTimeFormat;
        return TryNumbers(example, out var first, out var second) && first is >= 1 and <= 12 && second is >= 1 and <= 12
            ? ($"{names.GetMonthName(first)} {second}", $"{first} {names.GetMonthName(second)}")
            : ("month-first", "day-first");
    }

    /// <summary>
    /// The warning for an ambiguous column: the example read both ways and the key to set, e.g. "'03/04/2019' is read
    /// month-first as March 4, 2019; if the file is day-first (3 April 2019) declare ...".
    /// </summary>
    public static string AmbiguityMessage(string column, string example)
    {
        var (monthFirst, dayFirst) = Readings(example);
        return $"column '{column}' has dates such as '{example}' that read either way: it is read month-first ({monthFirst}), "
            + $"not day-first ({dayFirst}), and no value in the column settles the order. If the file is day-first, declare "
            + $"'format: {DayFirstFormat(example)}' under data.columns.{column}; if it is month-first, declare 'format: {MonthFirstFormat(example)}' to say so.";
    }

    /// <summary>The hint for a value that is no date because it is day-first and no format is declared.</summary>
    public static string DayFirstHint(string column, string example) =>
        $"'{example}' reads only day-first (the loader reads numeric dates month-first): declare 'format: {DayFirstFormat(example)}' under data.columns.{column}";
}
