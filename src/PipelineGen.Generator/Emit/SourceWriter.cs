using System.Text;

namespace PipelineGen.Generator.Emit;

/// <summary>An indentation-aware text writer for emitted C# (after dotnet/runtime's SourceWriter).</summary>
internal sealed class SourceWriter
{
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

    public SourceWriter Indent() { _indent++; return this; }
    public SourceWriter Outdent() { _indent--; return this; }

    public override string ToString() => _sb.ToString();
}
