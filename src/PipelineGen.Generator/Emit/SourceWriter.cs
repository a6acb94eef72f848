using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PipelineGen.Generator.Emit;

/// <summary>An indentation-aware text writer for emitted C# (after dotnet/runtime's SourceWriter).</summary>
internal sealed class SourceWriter
{
    /// <summary>Generated code stays readable in a 120-column editor: <see cref="Call"/> wraps what would not fit.</summary>
    public const int Width = 120;

    private readonly StringBuilder _sb = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0) { _sb.Append('\n'); return this; }
        _sb.Append(' ', _indent * 4).Append(text).Append('\n');
        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Whether <paramref name="text"/> fits on one line at the current indentation.</summary>
    public bool Fits(string text) => _indent * 4 + text.Length <= Width;

    public SourceWriter Indent() { _indent++; return this; }
    public SourceWriter Outdent() { _indent--; return this; }

    /// <summary>
    /// <c>head(a, b, c)tail</c> on one line when it fits in <see cref="Width"/>; otherwise <c>head(</c>, then the
    /// arguments one level deeper, as many per line as fit, then <c>)tail</c> on the last of them.
    /// </summary>
    public SourceWriter Call(string head, IEnumerable<string> arguments, string tail)
    {
        var args = arguments.ToList();
        var oneLine = head + "(" + string.Join(", ", args) + ")" + tail;
        if (_indent * 4 + oneLine.Length <= Width) return Line(oneLine);
        Line(head + "(");
        Indent();
        var room = Width - _indent * 4;
        var current = new StringBuilder();
        for (int i = 0; i < args.Count; i++)
        {
            var piece = args[i] + (i < args.Count - 1 ? "," : ")" + tail);
            if (current.Length > 0 && current.Length + 1 + piece.Length > room)
            {
                Line(current.ToString());
                current.Clear();
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(piece);
        }
        Line(current.ToString());
        return Outdent();
    }

    /// <summary><c>head { a, b }tail</c> on one line when it fits, else the items as many per line as fit, in braces.</summary>
    public SourceWriter Braced(string head, IEnumerable<string> items, string tail)
    {
        var list = items.ToList();
        var oneLine = head + " { " + string.Join(", ", list) + " }" + tail;
        if (_indent * 4 + oneLine.Length <= Width) return Line(oneLine);
        Line(head).Line("{").Indent();
        var room = Width - _indent * 4;
        var current = new StringBuilder();
        foreach (var item in list)
        {
            var piece = item + ",";
            if (current.Length > 0 && current.Length + 1 + piece.Length > room)
            {
                Line(current.ToString());
                current.Clear();
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(piece);
        }
        if (current.Length > 0) Line(current.ToString());
        return Outdent().Line("}" + tail);
    }

    public override string ToString() => _sb.ToString();
}
