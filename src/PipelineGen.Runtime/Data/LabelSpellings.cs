using PipelineGen.Runtime.Exploration;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// Classes of a label that differ only in letter case or surrounding spaces ("yes", "Yes ", "YES"): almost always one
/// class typed several ways, which a model learns as classes of their own. One detection for explore's warning and
/// for the refusal of evaluate and train.
/// </summary>
internal static class LabelSpellings
{
    /// <summary>A class as written, its rows, and its first 1-based data row (header not counted) when known.</summary>
    internal readonly record struct Spelling(string Value, long Count, long? FirstRow);

    /// <summary>What the spellings are and what they do to the model; null when every class is written one way.</summary>
    public static string? Describe(string column, IReadOnlyList<Spelling> classes)
    {
        var groups = classes.GroupBy(c => c.Value.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToArray();
        if (groups.Length == 0) return null;
        static string Show(Spelling c) => $"'{SafeText.Escape(c.Value)}' ({Fmt.Rows(c.Count)}"
            + (c.FirstRow is { } row ? $", first at data row {Fmt.Count(row)})" : ")");
        var merged = classes.Count - groups.Sum(g => g.Count() - 1);
        return $"label '{column}' has classes that differ only in letter case or spaces: {string.Join("; ", groups.Select(g => string.Join(", ", g.Select(Show))))}. "
            + $"The model would learn each spelling as a class of its own ({classes.Count} classes where the data probably has {merged}).";
    }
}
