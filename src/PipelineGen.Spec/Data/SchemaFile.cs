using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec.Data;

/// <summary>Reads and writes <see cref="InferredSchema"/> as JSON (read back with the YAML parser: JSON is YAML).</summary>
public static class SchemaFile
{
    public const int MaxDistinctValues = 50;
    public const string FormatVersion = "1";

    public static string Write(InferredSchema schema)
    {
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append("  \"format\": ").Append(Quote(FormatVersion)).Append(",\n");
        sb.Append("  \"specPath\": ").Append(Quote(schema.SpecPath)).Append(",\n");
        sb.Append("  \"dataPath\": ").Append(Quote(schema.DataPath)).Append(",\n");
        sb.Append("  \"rowsSampled\": ").Append(schema.RowsSampled.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        sb.Append("  \"sampleIsComplete\": ").Append(schema.SampleIsComplete ? "true" : "false").Append(",\n");
        sb.Append("  \"columns\": [");
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var c = schema.Columns[i];
            sb.Append(i == 0 ? "\n" : ",\n");
            sb.Append("    { \"name\": ").Append(Quote(c.Name))
              .Append(", \"index\": ").Append(c.Index.ToString(CultureInfo.InvariantCulture))
              .Append(", \"type\": ").Append(Quote(c.Type))
              .Append(", \"missing\": ").Append(c.MissingCount.ToString(CultureInfo.InvariantCulture))
              .Append(", \"distinct\": ").Append(c.DistinctCount.ToString(CultureInfo.InvariantCulture))
              .Append(", \"values\": [").Append(string.Join(", ", c.DistinctValues.Select(Quote))).Append(']');
            // How many sampled rows hold each value and the data line of its first: PG0107 names a stray label value with them.
            if (c.ValueCounts.Count > 0)
                sb.Append(", \"counts\": [").Append(string.Join(", ", c.ValueCounts.Select(n => n.ToString(CultureInfo.InvariantCulture))))
                  .Append("], \"lines\": [").Append(string.Join(", ", c.ValueLines.Select(n => n.ToString(CultureInfo.InvariantCulture)))).Append(']');
            sb.Append(" }");
        }
        sb.Append(schema.Columns.Count == 0 ? "],\n" : "\n  ],\n");
        sb.Append("  \"diagnostics\": [");
        for (var i = 0; i < schema.Diagnostics.Count; i++)
        {
            var d = schema.Diagnostics[i];
            sb.Append(i == 0 ? "\n" : ",\n");
            sb.Append("    { \"id\": ").Append(Quote(d.Id))
              .Append(", \"severity\": ").Append(Quote(d.Severity.ToString()))
              .Append(", \"message\": ").Append(Quote(d.Message))
              .Append(", \"file\": ").Append(Quote(d.FilePath))
              .Append(", \"span\": [").Append(string.Join(", ", new[] { d.Span.StartLine, d.Span.StartColumn, d.Span.EndLine, d.Span.EndColumn, d.Span.StartOffset, d.Span.EndOffset }
                    .Select(n => n.ToString(CultureInfo.InvariantCulture)))).Append("] }");
        }
        sb.Append(schema.Diagnostics.Count == 0 ? "]\n" : "\n  ]\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>Parses a schema file; null when the text is not a schema this version understands (the generator then asks for a build).</summary>
    public static InferredSchema? Read(string text)
    {
        // The schema of a wide data file can pass the 1 MiB bound on specs; the tool wrote it, so only int's range bounds it.
        var parsed = YamlTreeParser.Parse(text, "schema.json", int.MaxValue);
        if (parsed.Root is not YMapping root || root.GetString("format") != FormatVersion) return null;
        try
        {
            var columns = (root["columns"] as YSequence)?.Items.OfType<YMapping>().Select(c => new InferredColumn(
                c.GetString("name") ?? "",
                ParseInt(c.GetString("index")),
                c.GetString("type") ?? "categorical",
                ParseInt(c.GetString("missing")),
                ParseInt(c.GetString("distinct")),
                c["values"] is YSequence values ? values.Items.OfType<YScalar>().Select(v => v.Value).ToEquatableArray() : EquatableArray<string>.Empty)
            {
                ValueCounts = Ints(c["counts"]),
                ValueLines = Ints(c["lines"]),
            })
                .ToEquatableArray() ?? EquatableArray<InferredColumn>.Empty;
            var diagnostics = (root["diagnostics"] as YSequence)?.Items.OfType<YMapping>().Select(d =>
            {
                var span = (d["span"] as YSequence)?.Items.OfType<YScalar>().Select(s => ParseInt(s.Value)).ToArray() ?? new int[6];
                System.Enum.TryParse<Severity>(d.GetString("severity"), out var severity);
                return new DiagnosticInfo(d.GetString("id") ?? "", severity, d.GetString("message") ?? "", d.GetString("file") ?? "",
                    span.Length == 6 ? new SourceSpan(span[0], span[1], span[2], span[3], span[4], span[5]) : SourceSpan.None);
            }).ToEquatableArray() ?? EquatableArray<DiagnosticInfo>.Empty;
            return new InferredSchema(root.GetString("specPath") ?? "", root.GetString("dataPath") ?? "",
                ParseInt(root.GetString("rowsSampled")), root.GetString("sampleIsComplete") == "true", columns, diagnostics);
        }
        catch (System.FormatException)
        {
            return null;
        }
    }

    private static EquatableArray<int> Ints(YNode? node) =>
        node is YSequence items ? items.Items.OfType<YScalar>().Select(v => ParseInt(v.Value)).ToEquatableArray() : EquatableArray<int>.Empty;

    private static int ParseInt(string? text) => int.Parse(text ?? "0", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>
    /// A double-quoted literal valid in JSON, YAML and C#: quotes, backslashes, control characters and the
    /// Unicode line separators (which C# forbids inside a string literal) are escaped.
    /// </summary>
    public static string Quote(string value)
    {
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
                default:
                    if (char.IsControl(ch) || ch == '\u2028' || ch == '\u2029') sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
