using System.Linq;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec;

/// <summary>A column type the spec declares under <c>data.columns</c>.</summary>
public sealed record DeclaredColumnType(string Column, string Type);

/// <summary>
/// What a spec says about its public types, read from the YAML tree without validation: kept even when the spec has
/// errors, so the generator can still emit the pipeline's types (see <c>Binding/FallbackPipeline.cs</c>). No spans: a
/// comment edit leaves it equal.
/// </summary>
public sealed record SpecOutline(string? Name, string? TaskKind, string? Label, EquatableArray<DeclaredColumnType> DeclaredTypes)
{
    public static SpecOutline Read(YMapping root)
    {
        var declared = (root.Get("data.columns") as YMapping)?.Entries
            .Where(e => (e.Value as YMapping).GetString("type") is not null)
            .Select(e => new DeclaredColumnType(e.Key.Value, (e.Value as YMapping).GetString("type")!))
            .ToEquatableArray() ?? EquatableArray<DeclaredColumnType>.Empty;
        return new SpecOutline(root.GetString("name"), root.GetString("task.kind"), root.GetString("task.label"), declared);
    }

    /// <summary>
    /// The outline of a spec that is not valid YAML: read from the longest part before the error that is, cut at a
    /// top-level key (a cut there leaves the earlier sections whole). At most <see cref="MaxAttempts"/> cuts are tried,
    /// so a large broken file costs a bounded number of parses. Null when no such part names anything.
    /// </summary>
    public static SpecOutline? ReadBefore(string text, int errorLine, string filePath)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var attempts = 0;
        for (var cut = System.Math.Min(errorLine - 1, lines.Length); cut > 0 && attempts < MaxAttempts; cut--)
        {
            // Cut just before a top-level key (a line that starts with neither a blank, a comment nor a list dash).
            if (cut < lines.Length && (lines[cut].Length == 0 || lines[cut][0] is ' ' or '\t' or '#' or '-')) continue;
            attempts++;
            var prefix = string.Join("\n", lines, 0, cut);
            if (YamlTreeParser.Parse(prefix, filePath).Root is YMapping root && Read(root) is { Name: not null } outline)
                return outline;
        }
        return null;
    }

    private const int MaxAttempts = 8;
}
