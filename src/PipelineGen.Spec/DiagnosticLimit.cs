using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec;

/// <summary>
/// Bounds the diagnostics one spec can produce: a spec with 100,000 unknown keys once made a 51 s build and a 69 MB log.
/// Errors are kept before warnings, and a final PG0015 says how many were left out.
/// </summary>
public static class DiagnosticLimit
{
    public const int MaxPerSpec = 100;

    /// <summary>Values quoted in messages are cut to this many characters, so a 1 MB value does not make a 1 MB message.</summary>
    public const int MaxQuotedLength = 80;

    public static EquatableArray<DiagnosticInfo> Cap(IReadOnlyList<DiagnosticInfo> diagnostics, string filePath)
    {
        if (diagnostics.Count <= MaxPerSpec) return diagnostics.ToEquatableArray();
        // Stable: within a severity, the order found (top of the file first) is kept.
        var ordered = diagnostics.OrderByDescending(d => d.Severity).ToList();
        var kept = ordered.Take(MaxPerSpec).ToList();
        var dropped = ordered.Skip(MaxPerSpec).ToList();
        var firstDropped = dropped.Where(d => d.FilePath == filePath && !d.Span.IsNone).Select(d => d.Span).DefaultIfEmpty(SourceSpan.At(1, 1)).First();
        kept.Add(SpecDiagnostics.TooManyDiagnostics.Create(dropped.Max(d => d.Severity), filePath, firstDropped, dropped.Count, MaxPerSpec));
        return kept.ToEquatableArray();
    }

    /// <summary>A value as it may appear inside a message: at most <see cref="MaxQuotedLength"/> characters, with a note when cut.</summary>
    public static string Excerpt(string value)
    {
        if (value.Length <= MaxQuotedLength) return value;
        var cut = char.IsHighSurrogate(value[MaxQuotedLength - 1]) ? MaxQuotedLength - 1 : MaxQuotedLength;
        return value.Substring(0, cut) + "… (" + value.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " characters)";
    }
}
