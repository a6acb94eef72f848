using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

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

        var result = ParseYaml(text, filePath);
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

    private static Result ParseYaml(string text, string filePath)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var lastGood = 0;
        try
        {
            var parser = new TrackingParser(new Parser(new StringReader(text)), offset => lastGood = offset);
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return new Result(null, EquatableArray<DiagnosticInfo>.Empty);
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, filePath, diagnostics, "", 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var next = parser.Current!;
                diagnostics.Add(SpecDiagnostics.YamlSyntax.Create(filePath, ToSpan(next.Start, next.End),
                    "a spec holds one YAML document; remove the second '---' document"));
            }
            return new Result(root, diagnostics.ToEquatableArray());
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some malformed flow collections; report it where reading stopped.
            var at = new SourceSpan(LastLine(text, lastGood), 1, LastLine(text, lastGood), 1, 0, 0);
            diagnostics.Add(SpecDiagnostics.YamlSyntax.Create(filePath, at, "a '{' or '[' collection is not closed, or a value after it is malformed"));
            return new Result(null, diagnostics.ToEquatableArray());
        }
        catch (YamlException ex)
        {
            // YamlDotNet's messages start with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position goes into the location instead.
            var message = ex.Message;
            var cut = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line", StringComparison.Ordinal) && cut >= 0) message = message.Substring(cut + 3);
            message = message.TrimEnd('.');
            diagnostics.Add(SpecDiagnostics.YamlSyntax.Create(filePath, ToSpan(ex.Start, ex.End), message));
            return new Result(null, diagnostics.ToEquatableArray());
        }
    }

    private static YNode ReadNode(IParser parser, string filePath, List<DiagnosticInfo> diagnostics, string path, int depth)
    {
        if (depth >= MaxDepth && parser.Current is SequenceStart or MappingStart)
        {
            // Deeper than any spec needs: report it once here and skip the whole subtree without recursing
            // (block nesting like "- - - - x" is cheap to write and would otherwise recurse once per level).
            var start = parser.Current!;
            var open = 0;
            do
            {
                if (parser.Current is SequenceStart or MappingStart) open++;
                else if (parser.Current is SequenceEnd or MappingEnd) open--;
                if (!parser.MoveNext()) break;
            } while (open > 0);
            diagnostics.Add(SpecDiagnostics.NestingTooDeep.Create(filePath, ToSpan(start.Start, start.End), MaxDepth));
            return new YScalar("", false, ToSpan(start.Start, start.End));
        }

        if (parser.TryConsume<Scalar>(out var scalar))
            return new YScalar(scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded,
                ToSpan(scalar.Start, scalar.End));

        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out var seqEnd))
                items.Add(ReadNode(parser, filePath, diagnostics, path, depth + 1));
            return new YSequence(items.ToEquatableArray(), ToSpan(seqStart.Start, parser.Current?.Start ?? seqStart.End));
        }

        if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            var entries = new List<YEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ReadNode(parser, filePath, diagnostics, path, depth + 1);
                var childPath = keyNode is YScalar k ? (path.Length == 0 ? k.Value : path + "." + k.Value) : path;
                var value = ReadNode(parser, filePath, diagnostics, childPath, depth + 1);
                if (keyNode is not YScalar key)
                {
                    diagnostics.Add(SpecDiagnostics.YamlSyntax.Create(filePath, keyNode.Span, "mapping keys must be plain names, not lists or mappings"));
                    continue;
                }
                if (!seen.Add(key.Value))
                {
                    diagnostics.Add(SpecDiagnostics.DuplicateKey.Create(filePath, key.Span, key.Value, path.Length == 0 ? "the top level" : path));
                    continue;
                }
                entries.Add(new YEntry(key, value));
            }
            var end = entries.Count > 0 ? entries[entries.Count - 1].Value.Span : ToSpan(mapStart.Start, mapStart.End);
            var start = ToSpan(mapStart.Start, mapStart.End);
            return new YMapping(entries.ToEquatableArray(),
                new SourceSpan(start.StartLine, start.StartColumn, end.EndLine, end.EndColumn, start.StartOffset, end.EndOffset));
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            diagnostics.Add(SpecDiagnostics.YamlSyntax.Create(filePath, ToSpan(alias.Start, alias.End), "aliases (*name) are not supported in specs; write the value out"));
            return new YScalar("", false, ToSpan(alias.Start, alias.End));
        }

        var unexpected = parser.Current!;
        throw new YamlException(unexpected.Start, unexpected.End, $"unexpected {unexpected.GetType().Name}");
    }

    /// <summary>The line just after the last event read, where a scanner failure must be.</summary>
    private static int LastLine(string text, int offset)
    {
        var line = 1;
        for (var i = 0; i < Math.Min(offset, text.Length); i++) if (text[i] == '\n') line++;
        return line;
    }

    /// <summary>Remembers how far parsing got, so a scanner failure without a position can still be located.</summary>
    private sealed class TrackingParser(IParser inner, Action<int> onEvent) : IParser
    {
        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (moved && inner.Current is { } current) onEvent((int)current.End.Index);
            return moved;
        }
    }

    internal static SourceSpan ToSpan(Mark start, Mark end) =>
        new((int)start.Line, (int)start.Column, (int)end.Line, (int)end.Column, (int)start.Index, (int)end.Index);
}
