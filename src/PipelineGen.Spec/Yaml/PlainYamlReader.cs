using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PipelineGen.Spec.Yaml;

/// <summary>
/// A hand-written reader for the plain YAML that ordinary specs, lock files and the build's own schema files (JSON) are
/// written in, so that the generator's first run in a fresh compiler process does not load and JIT YamlDotNet's scanner
/// and parser (issue 10; docs/benchmarks.md §1). It accepts a conservative subset: block mappings and block sequences
/// (including "- key: value" items and sequences at their key's indentation), plain one-line scalars, single- and
/// double-quoted one-line scalars, flow sequences and flow mappings of such scalars (on one line, or over several lines
/// when the whole document is one flow collection, as a schema file is), comments, blank lines, CRLF line ends and an
/// optional leading <c>---</c>. On anything else, or on any doubt (block scalars, multi-line scalars, anchors, aliases,
/// tags, directives, '?' keys, '...', a second document, duplicate keys, tabs, unusual characters, indentation it does
/// not expect, nesting deeper than <see cref="MaxDepth"/>, any syntax error) it returns null and the YamlDotNet path
/// (<see cref="YamlDotNetReader"/>) reads the text instead, so errors are always reported by that one path.
/// When it returns a result, that result must be exactly what the YamlDotNet path returns — the same tree, values,
/// IsQuoted flags and every source span (YamlDotNet's marks: block collections start at their first key or '-', block
/// ends sit at the next token, a sequence's span ends where the event after its end starts, a mapping's span ends where
/// its last value ends). YamlDotNetEquivalenceTests guard that over every YAML file in the repository and a generated
/// corpus of valid and broken documents.
/// </summary>
internal static class PlainYamlReader
{
    /// <summary>Far below <see cref="YamlTreeParser.MaxDepth"/>, so the depth diagnostic is always the YamlDotNet path's.</summary>
    internal const int MaxDepth = 16;

    /// <summary>YamlDotNet limits an implicit key to 1024 characters; longer ones go to it to report.</summary>
    private const int MaxKeyLength = 1000;

    /// <summary>The parse result, or null when the text is outside the subset (the caller then uses YamlDotNet).</summary>
    public static YamlTreeParser.Result? TryRead(string text)
    {
        var reader = new Reader(text);
        return reader.Read();
    }

    private enum Kind : byte { Scalar, SequenceStart, SequenceEnd, MappingStart, MappingEnd, DocumentEnd }

    /// <summary>One parser event as YamlDotNet would emit it; positions are character offsets (<see cref="Reader.StreamEnd"/> for the end of the text).</summary>
    private readonly struct Event
    {
        public readonly Kind Kind;
        public readonly int Start;
        public readonly int End;
        public readonly string? Value;
        public readonly bool Quoted;

        public Event(Kind kind, int start, int end, string? value = null, bool quoted = false)
        {
            Kind = kind; Start = start; End = end; Value = value; Quoted = quoted;
        }
    }

    /// <summary>Thrown inside the reader to give up; caught in <see cref="Reader.Read"/> only.</summary>
    private sealed class Bail : Exception
    {
    }

    private sealed class Reader
    {
        /// <summary>Stands for YamlDotNet's stream-end mark: the line after the last one, column 1, offset = length.</summary>
        public const int StreamEnd = -1;

        private readonly string text;
        private readonly List<Event> events = new();
        private readonly List<int> lineStarts = new() { 0 };

        /// <summary>The first character of the next content line (not blank, not a comment), or <see cref="StreamEnd"/>.</summary>
        private int cur;

        public Reader(string text) => this.text = text;

        public YamlTreeParser.Result? Read()
        {
            try
            {
                if (!CheckCharacters()) return null;
                // A last line of only spaces or a comment, without a line break: YamlDotNet closes the collections indented
                // deeper than its end there, and the others a line further; rare enough to leave to it.
                var last = lineStarts[lineStarts.Count - 1];
                if (last < text.Length)
                {
                    var k = last;
                    while (k < text.Length && text[k] == ' ') k++;
                    if (k == text.Length || text[k] == '#') return null;
                }
                cur = FirstContent(0, allowDocumentStart: true);
                if (cur == StreamEnd) return new YamlTreeParser.Result(null, EquatableArray<DiagnosticInfo>.Empty);
                if (cur == LineStartOf(cur) && IsMarker(cur, "---"))
                {
                    // An explicit document start, alone on its line; anything after it on that line goes to YamlDotNet.
                    if (LineEnd(cur) != cur + 3) return null;
                    cur = NextContentAfterLine(cur);
                    if (cur == StreamEnd) return null;
                }
                ReadRoot();
                if (cur != StreamEnd) return null; // content after the root (e.g. less indented than it)
                events.Add(new Event(Kind.DocumentEnd, StreamEnd, StreamEnd));
                var index = 0;
                var root = BuildNode(ref index);
                if (index != events.Count - 1) return null;
                return new YamlTreeParser.Result(root, EquatableArray<DiagnosticInfo>.Empty);
            }
            catch (Bail)
            {
                return null;
            }
        }

        // ---- characters and lines ----------------------------------------------------------------------------------

        /// <summary>Only printable ASCII, LF, CRLF and ordinary non-ASCII letters: YamlDotNet counts or breaks lines differently
        /// on the rest (lone CR, NEL, U+2028/9), or the scan reports them (tabs, control characters, Unicode spaces, BOM).</summary>
        private bool CheckCharacters()
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\n') { lineStarts.Add(i + 1); continue; }
                if (c == '\r') { if (i + 1 < text.Length && text[i + 1] == '\n') continue; return false; }
                if (c < 0x20 || c == 0x7F) return false;
                if (c < 0x7F) continue;
                if (c <= 0x9F || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\uFFFE' or '\uFFFF' || TextScan.IsUnicodeSpace(c)) return false;
            }
            return true;
        }

        private bool IsBreak(int i) => i >= text.Length || text[i] == '\n' || (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n');

        /// <summary>The offset of the line break (or the end of the text) ending the line that holds <paramref name="i"/>.</summary>
        /// <remarks>From the line table, not by scanning: a one-line flow list of 100k items asks for it once per item.</remarks>
        private int LineEnd(int i)
        {
            var line = LineOf(i);
            if (line + 1 == lineStarts.Count) return text.Length;
            var end = lineStarts[line + 1] - 1; // the '\n'; CheckCharacters let a '\r' through only before one
            return end > 0 && text[end - 1] == '\r' && i < end ? end - 1 : end;
        }

        /// <summary>The 0-based line holding offset <paramref name="i"/> (a line's break belongs to it).</summary>
        private int LineOf(int i)
        {
            var lo = 0;
            var hi = lineStarts.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (lineStarts[mid] <= i) lo = mid; else hi = mid - 1;
            }
            return lo;
        }

        private int LineStartOf(int i) => lineStarts[LineOf(i)];

        /// <summary>The column (0-based) of <paramref name="i"/>: the indentation when it is a line's first content.</summary>
        private int Indent(int i) => i - LineStartOf(i);

        /// <summary>From the start of a line, the first character of the first line holding content; comment and blank lines are skipped.</summary>
        private int FirstContent(int lineStart, bool allowDocumentStart = false)
        {
            var i = lineStart;
            while (i < text.Length)
            {
                while (i < text.Length && text[i] == ' ') i++;
                if (IsBreak(i) || text[i] == '#')
                {
                    i = LineEnd(i);
                    if (i >= text.Length) break;
                    i += text[i] == '\r' ? 2 : 1;
                    continue;
                }
                // Document markers and directives belong to YamlDotNet.
                if (i == LineStartOf(i) && ((IsMarker(i, "---") && !allowDocumentStart) || IsMarker(i, "...") || text[i] == '%')) throw new Bail();
                return i;
            }
            return StreamEnd;
        }

        private bool IsMarker(int i, string marker) =>
            i + 3 <= text.Length && string.CompareOrdinal(text, i, marker, 0, 3) == 0 && (IsBreak(i + 3) || text[i + 3] == ' ');

        private int NextContentAfterLine(int i)
        {
            var end = LineEnd(i);
            return end >= text.Length ? StreamEnd : FirstContent(end + (text[end] == '\r' ? 2 : 1));
        }

        /// <summary>Whether the rest of the line from <paramref name="i"/> is spaces and perhaps a comment after a space.</summary>
        private bool RestIsBlank(int i)
        {
            var start = i;
            while (i < text.Length && text[i] == ' ') i++;
            if (IsBreak(i)) return true;
            return text[i] == '#' && i > start;
        }

        private bool IsBlockEntry(int i) => text[i] == '-' && (IsBreak(i + 1) || text[i + 1] == ' ');

        // ---- block structure ---------------------------------------------------------------------------------------

        private void ReadRoot()
        {
            var c = text[cur];
            if (c is '[' or '{')
            {
                var p = cur;
                ReadFlow(ref p, 1, multiLine: true);
                if (!RestIsBlank(p)) throw new Bail();
                cur = NextContentAfterLine(p);
            }
            else if (IsBlockEntry(cur)) ReadBlockSequence(Indent(cur), 1, indentless: false);
            else if (TryKey(cur, emit: false, out _)) ReadBlockMapping(Indent(cur), 1);
            else throw new Bail();
        }

        /// <summary>A block mapping whose first key is at <see cref="cur"/>, at column <paramref name="indent"/>.</summary>
        private void ReadBlockMapping(int indent, int depth)
        {
            if (depth > MaxDepth) throw new Bail();
            events.Add(new Event(Kind.MappingStart, cur, cur));
            while (cur != StreamEnd)
            {
                var at = Indent(cur);
                if (at < indent) break;
                if (at > indent) throw new Bail();
                if (!TryKey(cur, emit: true, out var afterColon)) throw new Bail();
                var p = afterColon;
                while (p < text.Length && text[p] == ' ') p++;
                if (IsBreak(p) || (text[p] == '#' && p > afterColon))
                {
                    var next = NextContentAfterLine(p);
                    if (next != StreamEnd && Indent(next) > indent)
                    {
                        cur = next;
                        if (IsBlockEntry(next)) ReadBlockSequence(Indent(next), depth + 1, indentless: false);
                        else if (TryKey(next, emit: false, out _)) ReadBlockMapping(Indent(next), depth + 1);
                        else throw new Bail(); // a value on the next line, a flow collection there, ...
                    }
                    else if (next != StreamEnd && Indent(next) == indent && IsBlockEntry(next))
                    {
                        cur = next;
                        ReadBlockSequence(indent, depth + 1, indentless: true);
                    }
                    else
                    {
                        // "key:" with nothing under it: YamlDotNet's empty scalar sits just after the ':'.
                        events.Add(new Event(Kind.Scalar, afterColon, afterColon, "", false));
                        cur = next;
                    }
                }
                else
                {
                    ReadInlineValue(p, depth + 1);
                }
            }
            events.Add(new Event(Kind.MappingEnd, cur, cur));
        }

        /// <summary>A block sequence whose first '-' is at <see cref="cur"/>; an indentless one (under a key at the same
        /// column) ends at the first line of that column that is not an entry.</summary>
        private void ReadBlockSequence(int indent, int depth, bool indentless)
        {
            if (depth > MaxDepth) throw new Bail();
            events.Add(new Event(Kind.SequenceStart, cur, cur));
            while (cur != StreamEnd)
            {
                var at = Indent(cur);
                if (at < indent) break;
                if (at > indent) throw new Bail();
                if (!IsBlockEntry(cur))
                {
                    if (indentless) break;
                    throw new Bail();
                }
                var p = cur + 1;
                while (p < text.Length && text[p] == ' ') p++;
                if (IsBreak(p) || text[p] == '#' || IsBlockEntry(p)) throw new Bail(); // empty item, item on the next line, "- - x"
                if (text[p] is not ('[' or '{') && TryKey(p, emit: false, out _))
                {
                    cur = p;
                    ReadBlockMapping(Indent(p), depth + 1);
                }
                else ReadInlineValue(p, depth + 1);
            }
            events.Add(new Event(Kind.SequenceEnd, cur, cur));
        }

        /// <summary>A value that starts on the current line at <paramref name="p"/> and ends on it; moves <see cref="cur"/> to the next content line.</summary>
        private void ReadInlineValue(int p, int depth)
        {
            var c = text[p];
            if (c is '[' or '{')
            {
                ReadFlow(ref p, depth, multiLine: false);
                if (!RestIsBlank(p)) throw new Bail();
            }
            else if (c is '"' or '\'')
            {
                var end = ReadQuoted(p, out var value);
                if (!RestIsBlank(end)) throw new Bail();
                events.Add(new Event(Kind.Scalar, p, end, value, true));
            }
            else
            {
                if (!IsPlainStart(p)) throw new Bail();
                var lineEnd = LineEnd(p);
                var e = p;
                for (; e < lineEnd; e++)
                {
                    var ch = text[e];
                    if (ch == ':' && (e + 1 == lineEnd || text[e + 1] == ' ')) throw new Bail(); // "a: b: c"
                    if (ch == ' ' && e + 1 < lineEnd && text[e + 1] == '#') break;
                    if (ch is '[' or ']' or '{' or '}' || IsIndicatorAfterSpace(e)) throw new Bail();
                }
                while (text[e - 1] == ' ') e--;
                events.Add(new Event(Kind.Scalar, p, e, text.Substring(p, e - p), false));
                p = e;
            }
            cur = NextContentAfterLine(p);
        }

        /// <summary>Whether a mapping key (plain or quoted, then ':' and a space or line end) starts at <paramref name="p"/>.</summary>
        private bool TryKey(int p, bool emit, out int afterColon)
        {
            afterColon = -1;
            var c = text[p];
            int end;
            string value;
            bool quoted;
            if (c is '"' or '\'')
            {
                end = ReadQuoted(p, out value);
                if (end >= text.Length || text[end] != ':' || !(IsBreak(end + 1) || text[end + 1] == ' ')) return false;
                afterColon = end + 1;
                quoted = true;
            }
            else
            {
                if (!IsPlainStart(p)) return false;
                var lineEnd = LineEnd(p);
                var e = p;
                for (; e < lineEnd; e++)
                {
                    var ch = text[e];
                    if (ch == ':' && (e + 1 == lineEnd || text[e + 1] == ' ')) break;
                    if (ch == ' ' && e + 1 < lineEnd && text[e + 1] == '#') return false;
                    if (ch is '[' or ']' or '{' or '}') return false;
                    if (IsIndicatorAfterSpace(e)) throw new Bail();
                }
                if (e == lineEnd) return false;
                afterColon = e + 1;
                while (text[e - 1] == ' ') e--;
                end = e;
                value = text.Substring(p, end - p);
                quoted = false;
            }
            if (end - p > MaxKeyLength) throw new Bail();
            if (emit) events.Add(new Event(Kind.Scalar, p, end, value, quoted));
            return true;
        }

        /// <summary>" *", " &amp;" or " !" inside a plain scalar: YamlDotNet can read "my *a: 1" as one scalar, not a key and a value.</summary>
        private bool IsIndicatorAfterSpace(int e) => text[e] == ' ' && e + 1 < text.Length && text[e + 1] is '*' or '&' or '!';

        /// <summary>Characters a plain scalar may start with here; indicators and anything unusual go to YamlDotNet.</summary>
        private bool IsPlainStart(int p)
        {
            var c = text[p];
            if (char.IsLetterOrDigit(c) || c >= 0xA0) return true;
            if (c is '_' or '.' or '/' or '~' or '$' or '(' or ')' or '+' or '=' or ';' or '^' or '\\' or '<') return true;
            return c == '-' && p + 1 < text.Length && (char.IsLetterOrDigit(text[p + 1]) || text[p + 1] is '.' or '_');
        }

        // ---- flow collections --------------------------------------------------------------------------------------

        /// <summary>A flow sequence or mapping starting at <paramref name="p"/>; leaves <paramref name="p"/> after its closing bracket.
        /// Line breaks inside are accepted only when the whole document is this collection.</summary>
        private void ReadFlow(ref int p, int depth, bool multiLine)
        {
            if (depth > MaxDepth) throw new Bail();
            if (text[p] == '[')
            {
                events.Add(new Event(Kind.SequenceStart, p, p));
                p = SkipFlowSpace(p + 1, multiLine);
                if (text[p] == ']') { events.Add(new Event(Kind.SequenceEnd, p, p)); p++; return; }
                while (true)
                {
                    ReadFlowNode(ref p, depth + 1, multiLine);
                    p = SkipFlowSpace(p, multiLine);
                    if (text[p] == ',')
                    {
                        p = SkipFlowSpace(p + 1, multiLine);
                        if (text[p] == ']') throw new Bail(); // trailing comma
                        continue;
                    }
                    if (text[p] == ']') { events.Add(new Event(Kind.SequenceEnd, p, p)); p++; return; }
                    throw new Bail();
                }
            }

            events.Add(new Event(Kind.MappingStart, p, p));
            p = SkipFlowSpace(p + 1, multiLine);
            if (text[p] == '}') { events.Add(new Event(Kind.MappingEnd, p, p)); p++; return; }
            while (true)
            {
                // The key: a scalar directly followed by ':' and a space or line break.
                var c = text[p];
                int end;
                if (c is '"' or '\'')
                {
                    end = ReadQuoted(p, out var value);
                    events.Add(new Event(Kind.Scalar, p, end, value, true));
                }
                else
                {
                    end = ReadFlowPlain(p, isKey: true);
                }
                if (end - p > MaxKeyLength || end + 1 >= text.Length || text[end] != ':' || !(text[end + 1] == ' ' || (multiLine && IsBreak(end + 1))))
                    throw new Bail();
                p = SkipFlowSpace(end + 1, multiLine);
                if (text[p] is ',' or '}') throw new Bail(); // no value
                ReadFlowNode(ref p, depth + 1, multiLine);
                p = SkipFlowSpace(p, multiLine);
                if (text[p] == ',')
                {
                    p = SkipFlowSpace(p + 1, multiLine);
                    if (text[p] == '}') throw new Bail();
                    continue;
                }
                if (text[p] == '}') { events.Add(new Event(Kind.MappingEnd, p, p)); p++; return; }
                throw new Bail();
            }
        }

        private void ReadFlowNode(ref int p, int depth, bool multiLine)
        {
            var c = text[p];
            if (c is '[' or '{') ReadFlow(ref p, depth, multiLine);
            else if (c is '"' or '\'')
            {
                var end = ReadQuoted(p, out var value);
                events.Add(new Event(Kind.Scalar, p, end, value, true));
                p = end;
            }
            else p = ReadFlowPlain(p, isKey: false);
        }

        /// <summary>A plain scalar inside a flow collection: ends at ',', ']', '}' or the line end; a ':' inside, or a
        /// comment, goes to YamlDotNet. Returns the offset after its last non-space character.</summary>
        private int ReadFlowPlain(int p, bool isKey)
        {
            if (!IsPlainStart(p)) throw new Bail();
            var lineEnd = LineEnd(p);
            var e = p;
            for (; e < lineEnd; e++)
            {
                var ch = text[e];
                if (ch is ',' or ']' or '}') break;
                if (ch == ':')
                {
                    if (isKey && (e + 1 == lineEnd || text[e + 1] == ' ')) break;
                    throw new Bail();
                }
                if (ch is '[' or '{' or '#' || IsIndicatorAfterSpace(e)) throw new Bail();
            }
            while (text[e - 1] == ' ') e--;
            events.Add(new Event(Kind.Scalar, p, e, text.Substring(p, e - p), false));
            return e;
        }

        /// <summary>Spaces (and line breaks when <paramref name="multiLine"/>); a comment or the end of the text inside a flow collection bails.</summary>
        private int SkipFlowSpace(int p, bool multiLine)
        {
            while (true)
            {
                if (p >= text.Length) throw new Bail();
                var c = text[p];
                if (c == ' ') { p++; continue; }
                if (c is '\n' or '\r')
                {
                    if (!multiLine) throw new Bail();
                    p++;
                    continue;
                }
                if (c == '#') throw new Bail();
                return p;
            }
        }

        // ---- scalars -----------------------------------------------------------------------------------------------

        /// <summary>A single- or double-quoted scalar closed on its own line; returns the offset after the closing quote.</summary>
        private int ReadQuoted(int p, out string value)
        {
            var quote = text[p];
            var lineEnd = LineEnd(p);
            var sb = new StringBuilder();
            var i = p + 1;
            while (true)
            {
                if (i >= lineEnd) throw new Bail(); // continues on the next line
                var c = text[i];
                if (quote == '\'')
                {
                    if (c == '\'')
                    {
                        if (i + 1 < lineEnd && text[i + 1] == '\'') { sb.Append('\''); i += 2; continue; }
                        value = sb.ToString();
                        return i + 1;
                    }
                    sb.Append(c);
                    i++;
                    continue;
                }
                if (c == '"') { value = sb.ToString(); return i + 1; }
                if (c != '\\') { sb.Append(c); i++; continue; }
                if (i + 1 >= lineEnd) throw new Bail();
                var e = text[i + 1];
                i += 2;
                switch (e)
                {
                    case '0': sb.Append('\0'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 't': sb.Append('\t'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'v': sb.Append('\v'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'e': sb.Append('\x1B'); break;
                    case '"': sb.Append('"'); break;
                    case '/': sb.Append('/'); break;
                    case '\\': sb.Append('\\'); break;
                    case 'x': sb.Append(Hex(ref i, 2, lineEnd)); break;
                    case 'u': sb.Append(Hex(ref i, 4, lineEnd)); break;
                    case 'U': sb.Append(Hex(ref i, 8, lineEnd)); break;
                    default: throw new Bail(); // \N, \_, \L, \P, "\ " and line continuations go to YamlDotNet
                }
            }
        }

        private string Hex(ref int i, int digits, int lineEnd)
        {
            if (i + digits > lineEnd) throw new Bail();
            var code = 0;
            for (var k = 0; k < digits; k++)
            {
                var d = text[i + k];
                int v = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
                if (v < 0) throw new Bail();
                code = code * 16 + v;
                if (code > 0x10FFFF) throw new Bail();
            }
            i += digits;
            if (code >= 0xD800 && code <= 0xDFFF) throw new Bail();
            return char.ConvertFromUtf32(code);
        }

        // ---- the tree, as YamlDotNetReader.ReadNode builds it from YamlDotNet's events ------------------------------

        private YNode BuildNode(ref int index)
        {
            var ev = events[index++];
            switch (ev.Kind)
            {
                case Kind.Scalar:
                    return new YScalar(ev.Value!, ev.Quoted, Span(ev.Start, ev.End));
                case Kind.SequenceStart:
                {
                    var items = new List<YNode>();
                    while (events[index].Kind != Kind.SequenceEnd) items.Add(BuildNode(ref index));
                    index++;
                    // YamlDotNetReader ends a sequence's span where the event after its end starts.
                    return new YSequence(items.ToEquatableArray(), Span(ev.Start, events[index].Start));
                }
                case Kind.MappingStart:
                {
                    var entries = new List<YEntry>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (events[index].Kind != Kind.MappingEnd)
                    {
                        if (BuildNode(ref index) is not YScalar key) throw new Bail();
                        var value = BuildNode(ref index);
                        if (!seen.Add(key.Value)) throw new Bail(); // the duplicate-key diagnostic is YamlDotNet's path's
                        entries.Add(new YEntry(key, value));
                    }
                    index++;
                    var start = Span(ev.Start, ev.End);
                    if (entries.Count == 0) return new YMapping(entries.ToEquatableArray(), start);
                    var end = entries[entries.Count - 1].Value.Span;
                    return new YMapping(entries.ToEquatableArray(),
                        new SourceSpan(start.StartLine, start.StartColumn, end.EndLine, end.EndColumn, start.StartOffset, end.EndOffset));
                }
                default:
                    throw new Bail();
            }
        }

        private SourceSpan Span(int start, int end)
        {
            var (sl, sc, so) = Mark(start);
            var (el, ec, eo) = Mark(end);
            return new SourceSpan(sl, sc, el, ec, so, eo);
        }

        /// <summary>YamlDotNet's mark: 1-based line and column, 0-based offset; at the end of the text it moves to a new line
        /// when the last line does not end with a break.</summary>
        private (int Line, int Column, int Offset) Mark(int offset)
        {
            if (offset == StreamEnd)
            {
                var endsWithBreak = text.Length > 0 && text[text.Length - 1] == '\n';
                return (lineStarts.Count + (endsWithBreak ? 0 : 1), 1, text.Length);
            }
            var line = LineOf(offset);
            return (line + 1, offset - lineStarts[line] + 1, offset);
        }
    }
}
