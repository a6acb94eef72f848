using System.Linq;
using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace PipelineGen.Generator.Emit;

/// <summary>Literals for emitted code, always in the invariant culture; strings and chars escaped by Roslyn itself.</summary>
internal static class CSharp
{
    public static string String(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Char(char value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

    public static string Float(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
            ? (float.IsNaN(f) ? "float.NaN" : f.ToString("R", CultureInfo.InvariantCulture) + "f")
            : "float.NaN";

    /// <summary>Text for an XML doc comment.</summary>
    public static string Xml(string text)
    {
        // A line break of any kind would end the /// comment and spill the rest into code.
        var oneLine = new string(text.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c).ToArray());
        return oneLine.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
