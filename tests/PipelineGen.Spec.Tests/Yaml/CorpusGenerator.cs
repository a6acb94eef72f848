using System.Text;

namespace PipelineGen.Spec.Tests.Yaml;

/// <summary>
/// Small YAML documents for YamlDotNetEquivalenceTests, from a seeded <see cref="Random"/>: drawn from the grammar of
/// PlainYamlReader's subset (block mappings and sequences, plain and quoted one-line scalars, one-line flow collections,
/// comments, blank lines, a leading '---', whole-document JSON), and mutations that leave it (tabs, block scalars,
/// anchors, tags, duplicate keys, odd indentation, unclosed quotes, stray indicators, CRLF, a BOM, truncation, ...).
/// </summary>
internal static class CorpusGenerator
{
    private static readonly string[] Keys =
    {
        "a", "b", "c", "key", "train", "my key", "x_1", "-1", "k#1", "url", "\"quoted\"", "'single'", "\"a: b\"", "é", "n.m", "<<", "0",
        "a - b", "x ?y", "x >y",
    };

    private static readonly string[] Plain =
    {
        "1", "-0.5", "1e3", "true", "hello world", "x, y", "http://a:8/b", "a#b", "it's", "~", "null", "é ü", "C:\\data", "data/train.csv",
        "a  b", "-x", ".5", "+1", "(x)", "a=b", "x;y", "^r", "a\"b", "123abc", "some value with words", "a - b", "say 'hi'", "a > b",
        "what ? x", "x | y", "x %y", "x @y", "x :y", "x -y", "x ,y",
    };

    private static readonly string[] Quoted =
    {
        "'it''s'", "''", "'a # b'", "\"a\\tb\"", "\"\\u00e9\"", "\"\\x41\"", "\"\\U0001F600\"", "\"\\\\\"", "\"\"", "\"a: b\"", "\"#x\"",
        "\"say \\\"hi\\\"\"", "'a: b'", "\"\\/\"", "\"\\0\\a\\b\\e\\f\\v\\r\\n\"", "' x '", "\"é\"",
    };

    public static string Document(Random rng)
    {
        var sb = new StringBuilder();
        if (rng.Next(8) == 0) sb.Append("# leading comment\n");
        if (rng.Next(8) == 0) sb.Append('\n');
        if (rng.Next(6) == 0) sb.Append("---\n");
        var kind = rng.Next(20);
        if (kind < 2) sb.Append(Json(rng, 0)).Append(rng.Next(2) == 0 ? "\n" : "");
        else if (kind < 3) sb.Append(Flow(rng, 0)).Append('\n');
        else if (kind < 5) Sequence(sb, rng, rng.Next(2), 0);
        else Mapping(sb, rng, 0, 0);
        if (rng.Next(6) == 0) sb.Append("# trailing comment\n");
        if (rng.Next(6) == 0) sb.Append("\n\n");
        if (rng.Next(8) == 0 && sb.Length > 0 && sb[sb.Length - 1] == '\n') sb.Length--; // no final line break
        return sb.ToString();
    }

    private static string Scalar(Random rng) => rng.Next(3) == 0 ? Quoted[rng.Next(Quoted.Length)] : Plain[rng.Next(Plain.Length)];

    private static string Comment(Random rng) => rng.Next(6) == 0 ? "  # note" : "";

    private static void Mapping(StringBuilder sb, Random rng, int indent, int depth, string? firstPrefix = null)
    {
        var used = new HashSet<string>();
        var n = 1 + rng.Next(4);
        for (var i = 0; i < n; i++)
        {
            var key = Keys[rng.Next(Keys.Length)];
            if (!used.Add(key)) continue;
            if (i > 0 && rng.Next(10) == 0) sb.Append(rng.Next(2) == 0 ? "\n" : new string(' ', rng.Next(6)) + "# between\n");
            sb.Append(i == 0 && firstPrefix is not null ? firstPrefix : new string(' ', indent)).Append(key).Append(':');
            Value(sb, rng, indent, depth);
        }
    }

    private static void Value(StringBuilder sb, Random rng, int indent, int depth)
    {
        var choice = depth > 3 ? rng.Next(3) : rng.Next(8);
        switch (choice)
        {
            case 0: sb.Append(' ').Append(Scalar(rng)).Append(Comment(rng)).Append('\n'); break;
            case 1: sb.Append(' ').Append(Flow(rng, 0)).Append(Comment(rng)).Append('\n'); break;
            case 2: sb.Append(rng.Next(3) == 0 ? "   # empty" : "").Append('\n'); break;
            case 3: case 4:
                sb.Append(Comment(rng)).Append('\n');
                Mapping(sb, rng, indent + 1 + rng.Next(4), depth + 1);
                break;
            case 5:
                sb.Append('\n');
                Sequence(sb, rng, indent + 2, depth + 1);
                break;
            case 6:
                sb.Append('\n');
                Sequence(sb, rng, indent, depth + 1); // at the key's indentation
                break;
            default: sb.Append(' ').Append(Scalar(rng)).Append('\n'); break;
        }
    }

    private static void Sequence(StringBuilder sb, Random rng, int indent, int depth)
    {
        var n = 1 + rng.Next(3);
        for (var i = 0; i < n; i++)
        {
            var pad = new string(' ', indent) + "-" + new string(' ', 1 + (rng.Next(5) == 0 ? rng.Next(3) : 0));
            switch (depth > 3 ? 0 : rng.Next(4))
            {
                case 0: sb.Append(pad).Append(Scalar(rng)).Append(Comment(rng)).Append('\n'); break;
                case 1: sb.Append(pad).Append(Flow(rng, 0)).Append('\n'); break;
                default: Mapping(sb, rng, pad.Length, depth + 1, pad); break;
            }
        }
    }

    private static string FlowScalar(Random rng)
    {
        string[] plain = { "1", "-2.5", "a", "b c", "true", "x_y", "é", "data/f.csv", "~" };
        return rng.Next(3) == 0 ? Quoted[rng.Next(Quoted.Length)] : plain[rng.Next(plain.Length)];
    }

    private static string Flow(Random rng, int depth)
    {
        var n = rng.Next(4);
        var items = new List<string>();
        var mapping = rng.Next(2) == 0;
        string[] keys = { "k", "l", "type", "role", "\"q\"", "m n" };
        var used = new HashSet<string>();
        for (var i = 0; i < n; i++)
        {
            var item = depth < 2 && rng.Next(5) == 0 ? Flow(rng, depth + 1) : FlowScalar(rng);
            if (mapping)
            {
                var key = keys[rng.Next(keys.Length)];
                if (!used.Add(key)) continue;
                items.Add(key + ": " + item);
            }
            else items.Add(item);
        }
        var space = rng.Next(2) == 0 ? " " : "";
        var inner = string.Join(rng.Next(4) == 0 ? " , " : ", ", items);
        return mapping ? "{" + space + inner + space + "}" : "[" + space + inner + space + "]";
    }

    /// <summary>A JSON document as the schema writer lays it out: a mapping over several lines.</summary>
    private static string Json(Random rng, int depth)
    {
        var pad = new string(' ', 2 * (depth + 1));
        var sb = new StringBuilder("{");
        var n = rng.Next(4);
        for (var i = 0; i < n; i++)
        {
            sb.Append(i == 0 ? "\n" : ",\n").Append(pad).Append("\"f").Append(i).Append("\": ");
            switch (depth > 1 ? rng.Next(2) : rng.Next(4))
            {
                case 0: sb.Append(rng.Next(2) == 0 ? rng.Next(-5, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : "\"s\\\"" + i + "\""); break;
                case 1: sb.Append("[").Append(string.Join(", ", Enumerable.Range(0, rng.Next(3)).Select(k => "\"v" + k + "\""))).Append(']'); break;
                case 2: sb.Append(Json(rng, depth + 1)); break;
                default: sb.Append("[\n").Append(pad).Append("  ").Append(Json(rng, depth + 1)).Append('\n').Append(pad).Append(']'); break;
            }
        }
        sb.Append(n == 0 ? "}" : "\n" + new string(' ', 2 * depth) + "}");
        return sb.ToString();
    }

    private static readonly string[] Inserts =
    {
        ":", "-", "? ", "[", "]", "{", "}", ",", " #", "#", "'", "\"", " ", "  ", "\n", "\n  ", "|", ">", "&a ", "*a", "!t ", "%", "@", "`",
        "\\", "\r", "\t", "\u00A0", "\u2028", "\u0085", "é", "\uFEFF", "\uD83D\uDE00", "---\n", "...\n", ": ", "- ", "\x01", "\r\n",
    };

    private static readonly string[] Blocks =
    {
        "k: |\n  text\n  more\n", "k: >-\n  folded\n", "k: &anchor v\nr: *anchor\n", "t: !!str 5\n", "m: {a: 1,\n  b: 2}\n", "s: [a,\n  b]\n",
        "n: [[a, b], {c: d}]\n", "a: b: c\n", "- - x\n", "k: - x\n", "q: \"unclosed\n", "q: 'multi\n  line'\n", "p: plain\n  continued\n",
        "? complex\n: value\n", "%YAML 1.2\n", "k:\n- x\n- y\n", "k:\n  - x\n  -\n", "e:\n", "key with spaces: v\n", "c: \"a # b\"\n",
        "x: 'a' b\n", "x: \"a\"#c\n", "{a: 1}: b\n", "[a]: b\n", "k: [a, ]\n", "k: {a: }\n", "k: {a, b}\n", "k: [a: b]\n", "k: \"\\N\\_\\L\\P\"\n",
        "k: \"\\uD800\"\n", "k: \"\\q\"\n", "k: v # c\n  # c2\nl: w\n", "   \n", "k:   \n", "'k' : v\n", "k : v\n", "-1: x\n",
    };

    public static string Mutate(string doc, Random rng)
    {
        var count = 1 + rng.Next(2);
        for (var m = 0; m < count; m++)
        {
            var lines = doc.Split('\n').ToList();
            switch (rng.Next(12))
            {
                case 0: case 1: case 2: // insert a token somewhere
                {
                    var at = rng.Next(doc.Length + 1);
                    doc = doc.Insert(at, Inserts[rng.Next(Inserts.Length)]);
                    break;
                }
                case 3: // delete a character
                    if (doc.Length > 0) doc = doc.Remove(rng.Next(doc.Length), 1);
                    break;
                case 4: case 5: // a construct outside the subset, at a line start with that line's indentation
                {
                    var at = rng.Next(lines.Count);
                    var indent = new string(' ', lines[at].TakeWhile(c => c == ' ').Count());
                    var block = Blocks[rng.Next(Blocks.Length)].TrimEnd('\n').Split('\n').Select(l => indent + l);
                    lines.InsertRange(at, block);
                    doc = string.Join('\n', lines);
                    break;
                }
                case 6: // shift a line's indentation
                {
                    var at = rng.Next(lines.Count);
                    lines[at] = rng.Next(2) == 0 ? " " + lines[at] : lines[at].StartsWith(' ') ? lines[at].Substring(1) : lines[at];
                    doc = string.Join('\n', lines);
                    break;
                }
                case 7: // duplicate a line (often a duplicate key)
                {
                    var at = rng.Next(lines.Count);
                    lines.Insert(at, lines[at]);
                    doc = string.Join('\n', lines);
                    break;
                }
                case 8: doc = doc.Replace("\n", "\r\n"); break;
                case 9: doc = "\uFEFF" + doc; break;
                case 10: doc = doc.Substring(0, rng.Next(doc.Length + 1)); break; // truncated
                default: // a tab as indentation
                {
                    var at = rng.Next(lines.Count);
                    lines[at] = "\t" + lines[at];
                    doc = string.Join('\n', lines);
                    break;
                }
            }
        }
        return doc;
    }
}
