using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Result = PipelineGen.Spec.Yaml.YamlTreeParser.Result;

namespace PipelineGen.Spec.Yaml;

/// <summary>
/// The YamlDotNet path of <see cref="YamlTreeParser.Parse"/>: YamlDotNet's event parser turned into a <see cref="YNode"/>
/// tree, with syntax errors and duplicate keys as diagnostics. It reads whatever <see cref="PlainYamlReader"/> declines.
/// A class of its own so that YamlDotNet is loaded only when this path runs.
/// </summary>
internal static class YamlDotNetReader
{
    /// <summary>Never inlined: callers must not pull YamlDotNet's types in when <see cref="PlainYamlReader"/> has read the text.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Result Read(string text, string filePath)
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
        if (depth >= YamlTreeParser.MaxDepth && parser.Current is SequenceStart or MappingStart)
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
            diagnostics.Add(SpecDiagnostics.NestingTooDeep.Create(filePath, ToSpan(start.Start, start.End), YamlTreeParser.MaxDepth));
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
