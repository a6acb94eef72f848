// Compiled into both PipelineGen.Runtime and PipelineGen.Tool (linked source): the build tool and the run must split
// a line the same way, and neither assembly may depend on the other.
namespace PipelineGen.Shared;

/// <summary>
/// Splits one line of a delimited file the way ML.NET's <c>TextLoader</c> reads it with <c>AllowQuoting = true</c>:
/// a field that starts with a double quote runs to the matching quote, <c>""</c> inside it is a literal quote,
/// and a record never spans lines.
/// </summary>
internal static class DelimitedLine
{
    /// <summary>How the TextLoader treats a physical line: empty lines and lines starting with <c>//</c> are no row.</summary>
    public static bool IsDataRow(string line) => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal);

    /// <summary>Fills <paramref name="fields"/> and <paramref name="fieldStarts"/> (0-based character offsets).</summary>
    /// <returns>-1, or the 0-based offset of a quote that is never closed.</returns>
    public static int Split(string line, char separator, List<string> fields, List<int> fieldStarts)
    {
        fields.Clear();
        fieldStarts.Clear();
        int i = 0;
        while (true)
        {
            fieldStarts.Add(i);
            if (i < line.Length && line[i] == '"')
            {
                int quoteAt = i;
                var value = new System.Text.StringBuilder();
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { value.Append('"'); i += 2; continue; }
                        closed = true;
                        i++;
                        break;
                    }
                    value.Append(line[i++]);
                }
                if (!closed) { fields.Add(value.ToString()); return quoteAt; }
                // Text after the closing quote up to the separator belongs to the field (TextLoader keeps it too).
                int end = line.IndexOf(separator, i);
                if (end < 0) end = line.Length;
                value.Append(line, i, end - i);
                fields.Add(value.ToString());
                i = end;
            }
            else
            {
                int end = line.IndexOf(separator, i);
                if (end < 0) end = line.Length;
                fields.Add(line.Substring(i, end - i));
                i = end;
            }
            if (i >= line.Length) return -1;
            i++; // skip the separator; a trailing separator yields a final empty field
        }
    }
}
