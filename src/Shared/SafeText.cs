// Linked source: compiled into PipelineGen.Spec (netstandard2.0), PipelineGen.Tool, PipelineGen.Tasks and PipelineGen.Runtime.
// Data files and paths may be hostile (a system file named as the data, a header with terminal escape sequences):
// whatever of them reaches a message goes through here, so every message shows short, escaped samples only.
using System;
using System.Collections.Generic;
using System.Text;

namespace PipelineGen.Shared;

internal static class SafeText
{
    /// <summary>Longest sample of data shown in a message, in characters (before escaping).</summary>
    public const int MaxSampleLength = 40;

    /// <summary>Most samples listed in one message; the rest are counted ("and 12 more").</summary>
    public const int MaxSamples = 5;

    /// <summary>
    /// <paramref name="value"/> with control, format (bidi overrides, zero-width) and line/paragraph separator
    /// characters escaped as <c>\n</c>, <c>\t</c>, <c>\0</c> or <c>\u202E</c>, cut to <paramref name="maxLength"/>
    /// characters with "..." when longer.
    /// </summary>
    public static string Escape(string? value, int maxLength = MaxSampleLength)
    {
        if (value is null) return "";
        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        var shown = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (shown >= maxLength)
            {
                builder.Append("...");
                break;
            }
            var ch = value[i];
            switch (ch)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                case '\\': builder.Append('\\'); break;
                default:
                    if (NeedsEscape(ch, value, i)) builder.Append("\\u").Append(((int)ch).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    else builder.Append(ch);
                    break;
            }
            shown++;
        }
        return builder.ToString();
    }

    /// <summary>Up to <see cref="MaxSamples"/> values, each escaped and quoted, then "and N more": <c>'a', 'b' and 3 more</c>.</summary>
    public static string Samples(IEnumerable<string> values, int maxSamples = MaxSamples, int maxLength = MaxSampleLength)
    {
        var builder = new StringBuilder();
        var count = 0;
        foreach (var value in values)
        {
            if (count < maxSamples)
            {
                if (count > 0) builder.Append(", ");
                builder.Append('\'').Append(Escape(value, maxLength)).Append('\'');
            }
            count++;
        }
        if (count == 0) return "none";
        if (count > maxSamples) builder.Append(" and ").Append((count - maxSamples).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" more");
        return builder.ToString();
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot name a file (empty, a NUL or other control character), or null when it can.
    /// Checked before any file-system call: .NET throws on a NUL, and a control character in a path is never intended.
    /// </summary>
    public static string? PathProblem(string? path)
    {
        if (path is null || path.Length == 0) return "is empty";
        if (path.Trim().Length == 0) return "is only white space";
        for (var i = 0; i < path.Length; i++)
        {
            var ch = path[i];
            if (ch == '\0') return $"contains a NUL character (\\0) at position {i + 1}";
            if (char.IsControl(ch)) return $"contains the control character {Escape(ch.ToString())} at position {i + 1}";
        }
        return null;
    }

    private static bool NeedsEscape(char ch, string value, int index)
    {
        if (char.IsControl(ch)) return true;
        if (char.IsHighSurrogate(ch)) return index + 1 >= value.Length || !char.IsLowSurrogate(value[index + 1]);
        if (char.IsLowSurrogate(ch)) return index == 0 || !char.IsHighSurrogate(value[index - 1]);
        switch (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(ch))
        {
            case System.Globalization.UnicodeCategory.Format: // bidi overrides, zero-width characters, BOM
            case System.Globalization.UnicodeCategory.LineSeparator:
            case System.Globalization.UnicodeCategory.ParagraphSeparator:
            case System.Globalization.UnicodeCategory.PrivateUse:
                return true;
            default:
                return false;
        }
    }
}
