using System.Globalization;
using System.Text;

namespace PipelineGen.Generator.Emit;

/// <summary>Literals for emitted code, always in the invariant culture.</summary>
internal static class CSharp
{
    public static string String(string? value)
    {
        if (value is null) return "null";
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (char.IsControl(ch)) sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    public static string Char(char value) => value switch
    {
        '\t' => "'\\t'",
        '\'' => "'\\''",
        '\\' => "'\\\\'",
        _ => "'" + value + "'",
    };

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

    public static string Float(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
            ? (float.IsNaN(f) ? "float.NaN" : f.ToString("R", CultureInfo.InvariantCulture) + "f")
            : "float.NaN";

    /// <summary>Text for an XML doc comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
