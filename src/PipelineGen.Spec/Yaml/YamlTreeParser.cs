using System;
using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec.Yaml;

/// <summary>Turns YAML text into a <see cref="YNode"/> tree, reporting syntax errors and duplicate keys as diagnostics.</summary>
public static class YamlTreeParser
{
    public sealed record Result(YNode? Root, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>The largest spec accepted (UTF-8 bytes); a spec is a short settings file.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>The deepest nesting of lists and mappings accepted; the deepest spec setting is five levels down.</summary>
    public const int MaxDepth = 64;

    /// <param name="maxBytes">The size bound; specs use <see cref="MaxDocumentBytes"/>, the build's own schema files (wide data) a larger one.</param>
    public static Result Parse(string text, string filePath, int maxBytes = MaxDocumentBytes)
    {
        // A byte-order mark a decoder left in the text: editors do not show or count it, so dropping it keeps columns right.
        if (text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);

        // Size, flow nesting and forbidden characters are checked on the raw text before YamlDotNet sees it:
        // its scanner is quadratic in '['/'{' depth and passes NUL and control characters through silently.
        var scan = TextScan.Scan(text, filePath, maxBytes, MaxDepth);
        if (scan.Fatal.Count > 0) return new Result(null, scan.Fatal.ToEquatableArray());

        // The hand-written reader first: for ordinary specs and schema files it returns the very tree YamlDotNet's path would,
        // without loading YamlDotNet (issue 10); on anything outside its subset it returns null and YamlDotNet reads the text.
        var result = PlainYamlReader.TryRead(text) ?? YamlDotNetReader.Read(text, filePath);
        if (result.Root is null && result.Diagnostics.Count > 0 && (scan.Tabs.Count > 0 || scan.Spaces.Count > 0))
        {
            // YamlDotNet reports a tab used as indentation at (1,1), and a non-ASCII space far from where it is:
            // report each at its own line and column instead.
            return new Result(null, scan.Tabs.Concat(scan.Spaces.Select(s => s.Diagnostic)).OrderBy(d => d.Span.StartOffset).ToEquatableArray());
        }
        if (result.Root is not null && scan.Spaces.Count > 0)
        {
            // Parsed, but a non-ASCII space outside a quoted value became part of a key or value ("\u00A0\u00A0train").
            var quoted = new List<SourceSpan>();
            CollectQuoted(result.Root, quoted);
            var misplaced = scan.Spaces.Where(s => !quoted.Any(q => s.Offset >= q.StartOffset && s.Offset < q.EndOffset)).Select(s => s.Diagnostic).ToList();
            if (misplaced.Count > 0) return new Result(null, misplaced.ToEquatableArray());
        }
        return result;
    }

    private static void CollectQuoted(YNode node, List<SourceSpan> spans)
    {
        switch (node)
        {
            case YScalar { IsQuoted: true } s: spans.Add(s.Span); break;
            case YSequence q: foreach (var item in q.Items) CollectQuoted(item, spans); break;
            case YMapping m: foreach (var e in m.Entries) { CollectQuoted(e.Key, spans); CollectQuoted(e.Value, spans); } break;
        }
    }
}
