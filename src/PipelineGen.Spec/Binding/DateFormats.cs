using System;
using System.Globalization;
using System.Linq;

namespace PipelineGen.Spec.Binding;

/// <summary>
/// Whether a declared date format ('data.columns.NAME.format') can read a column: it must be a .NET custom date and time
/// format that writes a sample date and reads the same day back (invariant culture, as every step then reads the column).
/// </summary>
public static class DateFormats
{
    // Day above 12, so a format whose day and month fields were confused reads another date back.
    private static readonly DateTime Sample = new(2019, 3, 24, 13, 45, 56, DateTimeKind.Utc);

    /// <summary>Why <paramref name="format"/> cannot read dates, or null when it can.</summary>
    public static string? Problem(string format)
    {
        if (string.IsNullOrWhiteSpace(format)) return "it is empty";
        // One letter is a standard format, and the invariant culture's are month-first ('d' is MM/dd/yyyy): say it in full.
        if (format.Length == 1) return $"'{format}' alone is a standard format whose layout depends on the culture; write the custom format it stands for";
        string written;
        try { written = Sample.ToString(format, CultureInfo.InvariantCulture); }
        catch (FormatException e) { return $"it cannot write a date ({e.Message.TrimEnd('.')})"; }
        if (!DateTime.TryParseExact(written, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var read))
            return $"it cannot read back the date it writes (24 March 2019 13:45:56 is written '{written}')";
        if (read.Date != Sample.Date)
        {
            // Named by part, not by the date read back: a missing year reads as the current one, which would date the message.
            var lost = new[] { (read.Day != Sample.Day, "day (d)"), (read.Month != Sample.Month, "month (M)"), (read.Year != Sample.Year, "year (y)") }
                .Where(p => p.Item1).Select(p => p.Item2);
            return $"it does not read back the date it writes (24 March 2019 is written '{written}'): it loses the {string.Join(" and the ", lost)}; a date format needs the day, the month and the year, each once";
        }
        return null;
    }
}
