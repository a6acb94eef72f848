using System.Text;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// Wraps each written line longer than the width at the last space before it; continuation lines keep the line's own
/// indentation plus two spaces, so a wrapped warning still reads as one item. A word longer than the line (a path) is
/// left whole: it can still be copied.
/// </summary>
internal sealed class WrappingWriter(TextWriter inner, int width) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            var text = _line.ToString().TrimEnd('\r');
            _line.Clear();
            foreach (var part in Wrap(text, width)) inner.WriteLine(part);
            return;
        }
        _line.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var c in value) Write(c);
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    public override void WriteLine() => Write('\n');

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            inner.Write(_line.ToString());
            _line.Clear();
        }
        inner.Flush();
    }

    public static IEnumerable<string> Wrap(string line, int width)
    {
        if (line.Length <= width) { yield return line; yield break; }
        var indent = new string(' ', Math.Min(line.Length - line.TrimStart(' ').Length + 2, width / 2));
        var rest = line;
        var first = true;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOf(' ', width);
            // No space after the indentation: keep the long word whole (a path or URL must stay copyable).
            var minimum = first ? 0 : indent.Length;
            if (cut <= minimum)
            {
                cut = rest.IndexOf(' ', width);
                if (cut < 0) break;
            }
            yield return rest[..cut].TrimEnd();
            rest = indent + rest[(cut + 1)..].TrimStart();
            first = false;
        }
        yield return rest;
    }
}
