using System.Collections.Generic;
using System.Globalization;

namespace PipelineGen.Spec.Yaml;

/// <summary>
/// One linear pass over the raw spec text before YamlDotNet sees it. It bounds what the YAML parser would otherwise
/// spend time or stack on (document size, '['/'{' nesting: YamlDotNet's scanner is quadratic in flow depth) and finds
/// characters that YamlDotNet accepts silently or reports at the wrong position (NUL and control characters, tabs and
/// non-ASCII spaces used as indentation), each at its own line and column.
/// </summary>
internal static class TextScan
{
    /// <summary>Findings that stop parsing (size, nesting, forbidden characters), and findings that explain a YAML failure or a wrong key.</summary>
    internal sealed class Findings
    {
        public readonly List<DiagnosticInfo> Fatal = new();
        public readonly List<DiagnosticInfo> Tabs = new();
        public readonly List<(DiagnosticInfo Diagnostic, int Offset)> Spaces = new();
    }

    /// <summary>Enough findings of one kind to show the pattern; the rest would only repeat it.</summary>
    private const int MaxPerKind = 20;

    public static Findings Scan(string text, string filePath, int maxBytes, int maxFlowDepth)
    {
        var f = new Findings();
        long bytes = 0;
        var line = 1;
        var column = 1;
        var lineStart = true;        // only spaces and tabs so far on this line
        var inComment = false;
        var quote = '\0';            // '\'' or '"' while inside a quoted scalar
        var flowDepth = 0;
        var blockParentIndent = -1;  // >= 0 while inside the content of a '|' or '>' block scalar
        var indent = 0;              // leading spaces of the current line
        var lineIsBlockContent = false;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            bytes += Utf8Length(text, i);
            if (bytes > maxBytes)
            {
                f.Fatal.Add(SpecDiagnostics.SpecTooLarge.Create(filePath, At(line, column, i), maxBytes.ToString("N0", CultureInfo.InvariantCulture)));
                return f;
            }

            if (c == '\n')
            {
                if (quote == '\0' && blockParentIndent < 0 && EndsWithBlockIndicator(text, i)) blockParentIndent = CurrentIndent(text, i);
                line++; column = 1; lineStart = true; inComment = false; indent = 0; lineIsBlockContent = false;
                continue;
            }

            if (!IsAllowed(text, i))
            {
                if (f.Fatal.Count < MaxPerKind)
                    f.Fatal.Add(SpecDiagnostics.InvalidCharacter.Create(filePath, At(line, column, i), DescribeChar(c),
                        c == '\0' ? " A NUL usually means the file is saved as UTF-16 without a byte-order mark: save it as UTF-8." :
                        " Remove it; write control characters in a double-quoted value as an escape such as \"\\u0007\"."));
            }
            else if (lineStart)
            {
                if (c == ' ') indent++;
                else if (c == '\t')
                {
                    // Tabs inside a block scalar's content (past its indentation) are text, not indentation.
                    if (blockParentIndent >= 0 && indent > blockParentIndent) { }
                    else if (quote == '\0' && !RestOfLineIsBlank(text, i) && f.Tabs.Count < MaxPerKind)
                        f.Tabs.Add(SpecDiagnostics.TabIndentation.Create(filePath, At(line, column, i)));
                }
                else if (IsUnicodeSpace(c))
                {
                    // One finding per run of such spaces: "\u00A0\u00A0key" is one mistake.
                    if (quote == '\0' && f.Spaces.Count < MaxPerKind && !(i > 0 && IsUnicodeSpace(text[i - 1])))
                        f.Spaces.Add((SpecDiagnostics.UnicodeSpace.Create(filePath, At(line, column, i), DescribeChar(c)), i));
                }
                else
                {
                    lineStart = false;
                    if (blockParentIndent >= 0)
                    {
                        if (indent > blockParentIndent) lineIsBlockContent = true;
                        else blockParentIndent = -1;
                    }
                }
            }
            else if (IsUnicodeSpace(c) && quote == '\0' && !inComment && i > 0 && text[i - 1] is ':' or '-' or ',' && f.Spaces.Count < MaxPerKind)
            {
                // "key:<nbsp>value" reads as one scalar "key: value" instead of a key and a value.
                f.Spaces.Add((SpecDiagnostics.UnicodeSpace.Create(filePath, At(line, column, i), DescribeChar(c)), i));
            }

            if (!lineStart && !lineIsBlockContent)
            {
                if (inComment) { }
                else if (quote == '"')
                {
                    if (c == '\\') { i++; column++; if (i < text.Length && text[i] == '\n') { line++; column = 0; } }
                    else if (c == '"') quote = '\0';
                }
                else if (quote == '\'')
                {
                    if (c == '\'') quote = '\0';
                }
                else if (c == '#' && (i == 0 || text[i - 1] is ' ' or '\t' or '\n' or '\r')) inComment = true;
                else if (c is '"' or '\'' && (i == 0 || text[i - 1] is ' ' or '\t' or '\n' or '\r' or '[' or '{' or ',' or ':' or '-' or '?')) quote = c;
                else if (c is '[' or '{')
                {
                    if (++flowDepth > maxFlowDepth)
                    {
                        f.Fatal.Add(SpecDiagnostics.NestingTooDeep.Create(filePath, At(line, column, i), maxFlowDepth));
                        return f;
                    }
                }
                else if (c is ']' or '}') { if (flowDepth > 0) flowDepth--; }
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            column++;
        }
        return f;
    }

    private static SourceSpan At(int line, int column, int offset) => new(line, column, line, column + 1, offset, offset + 1);

    private static int Utf8Length(string text, int i)
    {
        var c = text[i];
        if (c < 0x80) return 1;
        if (c < 0x800) return 2;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) return 4;
        return 3;
    }

    /// <summary>YAML's printable set: tab, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD and well-formed surrogate pairs.</summary>
    private static bool IsAllowed(string text, int i)
    {
        var c = text[i];
        if (c is '\t' or '\n' or '\r' or '\u0085') return true;
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
        if (c is '\uFFFE' or '\uFFFF') return false;
        if (char.IsHighSurrogate(c)) return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c)) return i > 0 && char.IsHighSurrogate(text[i - 1]);
        return true;
    }

    /// <summary>Spaces that look like a space in an editor but are ordinary characters to YAML.</summary>
    public static bool IsUnicodeSpace(char c) =>
        c is '\u00A0' or '\u1680' or '\u202F' or '\u205F' or '\u3000' or '\u200B' or '\uFEFF' || (c >= '\u2000' && c <= '\u200A');

    public static string DescribeChar(char c) => c switch
    {
        '\0' => "a NUL character (U+0000)",
        '\u00A0' => "a non-breaking space (U+00A0)",
        '\uFEFF' => "a zero-width no-break space / byte-order mark (U+FEFF)",
        '\u200B' => "a zero-width space (U+200B)",
        _ when IsUnicodeSpace(c) => $"the Unicode space U+{(int)c:X4}",
        _ when char.IsSurrogate(c) => $"an unpaired surrogate (U+{(int)c:X4}; the file's encoding is broken)",
        _ => $"the control character U+{(int)c:X4}",
    };

    private static bool RestOfLineIsBlank(string text, int i)
    {
        for (; i < text.Length && text[i] != '\n'; i++)
            if (text[i] is not (' ' or '\t' or '\r')) return false;
        return true;
    }

    /// <summary>Whether the line ending at <paramref name="newline"/> ends with a block scalar header ('|', '>', with optional indicators), ignoring a comment.</summary>
    private static bool EndsWithBlockIndicator(string text, int newline)
    {
        var start = text.LastIndexOf('\n', newline - 1 < 0 ? 0 : newline - 1) + 1;
        var end = newline;
        var hash = -1;
        for (var k = start; k < end; k++)
            if (text[k] == '#' && (k == start || text[k - 1] is ' ' or '\t')) { hash = k; break; }
        if (hash >= 0) end = hash;
        while (end > start && text[end - 1] is ' ' or '\t' or '\r') end--;
        var k2 = end - 1;
        while (k2 >= start && (text[k2] is '+' or '-' || char.IsDigit(text[k2]))) k2--;
        if (k2 < start || text[k2] is not ('|' or '>')) return false;
        return k2 == start || text[k2 - 1] is ' ' or '\t';
    }

    private static int CurrentIndent(string text, int newline)
    {
        var start = text.LastIndexOf('\n', newline - 1 < 0 ? 0 : newline - 1) + 1;
        var n = 0;
        while (start + n < newline && text[start + n] == ' ') n++;
        return n;
    }
}
