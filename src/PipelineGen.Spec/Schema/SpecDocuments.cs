using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PipelineGen.Spec.Data;

namespace PipelineGen.Spec.Schema;

/// <summary>
/// Writes the JSON Schema (for editors: <c># yaml-language-server: $schema=...</c>) and the Markdown spec reference
/// from <see cref="SpecShape"/>. Tests compare both with the committed files, so they cannot drift from the parser.
/// </summary>
public static class SpecDocuments
{
    public static string JsonSchema()
    {
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append("  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n");
        sb.Append("  \"title\": \"PipelineGen pipeline spec, version ").Append(SpecShape.CurrentVersion.ToString(CultureInfo.InvariantCulture)).Append("\",\n");
        WriteBody(sb, SpecShape.Root, 1, null);
        sb.Append("\n}\n");
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, ShapeNode node, int depth, PropertyShape? property)
    {
        sb.Append("{\n");
        WriteBody(sb, node, depth + 1, property);
        sb.Append('\n').Append(Indent(depth)).Append('}');
    }

    private static void WriteBody(StringBuilder sb, ShapeNode node, int depth, PropertyShape? property)
    {
        var pad = Indent(depth);
        var lines = new List<string>();
        var description = node.Description + (property?.Default is { } d ? $" Default: {d}." : "");
        lines.Add($"{pad}\"description\": {SchemaFile.Quote(description)}");
        switch (node)
        {
            case ObjectShape obj:
                lines.Add($"{pad}\"type\": \"object\"");
                lines.Add($"{pad}\"additionalProperties\": false");
                var required = obj.Properties.Where(p => p.Required).Select(p => SchemaFile.Quote(p.Key)).ToList();
                if (required.Count > 0) lines.Add($"{pad}\"required\": [{string.Join(", ", required)}]");
                var props = new StringBuilder();
                props.Append(pad).Append("\"properties\": {\n");
                for (var i = 0; i < obj.Properties.Count; i++)
                {
                    var p = obj.Properties[i];
                    props.Append(Indent(depth + 1)).Append(SchemaFile.Quote(p.Key)).Append(": ");
                    WriteNode(props, p.Shape, depth + 1, p);
                    props.Append(i < obj.Properties.Count - 1 ? ",\n" : "\n");
                }
                props.Append(pad).Append('}');
                lines.Add(props.ToString());
                break;
            case MapShape map:
                var value = new StringBuilder();
                value.Append(pad).Append("\"type\": \"object\",\n").Append(pad).Append("\"additionalProperties\": ");
                WriteNode(value, map.Value, depth, null);
                lines.Add(value.ToString());
                break;
            case ListShape list:
                var items = new StringBuilder();
                items.Append(pad).Append("\"type\": \"array\",\n").Append(pad).Append("\"items\": ");
                WriteNode(items, list.Item, depth, null);
                lines.Add(items.ToString());
                break;
            case OneOfShape oneOf:
                var options = new StringBuilder();
                options.Append(pad).Append("\"anyOf\": [\n");
                for (var i = 0; i < oneOf.Options.Count; i++)
                {
                    options.Append(Indent(depth + 1));
                    WriteNode(options, oneOf.Options[i], depth + 1, null);
                    options.Append(i < oneOf.Options.Count - 1 ? ",\n" : "\n");
                }
                options.Append(pad).Append(']');
                lines.Add(options.ToString());
                break;
            case ScalarShape scalar:
                lines.Add($"{pad}\"type\": \"{scalar.Kind switch { ScalarKind.Integer => "integer", ScalarKind.Number => "number", ScalarKind.Boolean => "boolean", _ => "string" }}\"");
                if (scalar.Allowed is { } allowed) lines.Add($"{pad}\"enum\": [{string.Join(", ", allowed.Select(SchemaFile.Quote))}]");
                else if (scalar.Suggested is { } suggested) lines.Add($"{pad}\"examples\": [{string.Join(", ", suggested.Select(SchemaFile.Quote))}]");
                if (scalar.Min is { } min) lines.Add($"{pad}\"{(scalar.MinExclusive ? "exclusiveMinimum" : "minimum")}\": {Num(min)}");
                if (scalar.Max is { } max) lines.Add($"{pad}\"{(scalar.MaxExclusive ? "exclusiveMaximum" : "maximum")}\": {Num(max)}");
                break;
        }
        sb.Append(string.Join(",\n", lines));
    }

    /// <summary>The spec reference: every key, its type, default, allowed values and description.</summary>
    public static string Reference()
    {
        var sb = new StringBuilder();
        sb.Append("# Spec reference\n\n");
        sb.Append("Generated from the spec's declared shape (`src/PipelineGen.Spec/Schema/SpecShape.cs`); a test keeps this file in step with it.\n");
        sb.Append("Mistakes are reported at build time as `PGnnnn` diagnostics: see [diagnostics.md](diagnostics.md).\n\n");
        sb.Append("Every key is checked for spelling (PG0002), type and allowed values (PG0003) and presence when required (PG0004);\n");
        sb.Append("the last column lists the further diagnostics that guard it.\n\n");
        sb.Append("| key | type | required | default | description | also checked by |\n|---|---|---|---|---|---|\n");
        WriteRows(sb, SpecShape.Root, "");
        return sb.ToString();
    }

    private static void WriteRows(StringBuilder sb, ObjectShape obj, string prefix)
    {
        foreach (var p in obj.Properties)
        {
            var path = prefix + p.Key;
            sb.Append("| `").Append(path).Append("` | ").Append(TypeText(p.Shape)).Append(" | ").Append(p.Required ? "yes" : "")
              .Append(" | ").Append(p.Default is null ? "" : Escape(p.Default)).Append(" | ").Append(Escape(p.Shape.Description))
              .Append(" | ").Append(string.Join(", ", (p.Checks ?? System.Array.Empty<string>()).Select(id => $"[{id}](diagnostics.md#{id.ToLowerInvariant()})"))).Append(" |\n");
            switch (p.Shape)
            {
                case ObjectShape child: WriteRows(sb, child, path + "."); break;
                case MapShape { Value: ObjectShape value } map: WriteRows(sb, value, path + ".<" + map.KeyDescription.Replace(' ', '_') + ">."); break;
            }
        }
    }

    private static string TypeText(ShapeNode node) => node switch
    {
        ScalarShape { Allowed: { } allowed } => string.Join(" \\| ", allowed.Select(a => a.Length == 0 ? "`\"\"`" : $"`{a}`")),
        ScalarShape { Suggested: { } suggested } => "string: " + string.Join(" \\| ", suggested.Select(a => $"`{a}`")),
        ScalarShape s => s.Kind.ToString().ToLowerInvariant() + (s.Min is null && s.Max is null ? "" : $" ({ShapeValidator.RangeText(s)})"),
        ListShape l => "list of " + TypeText(l.Item),
        MapShape m => $"map: {m.KeyDescription} → settings",
        OneOfShape o => string.Join(" or ", o.Options.Select(TypeText)),
        _ => "mapping",
    };

    private static string Escape(string text) => text.Replace("|", "\\|");
    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    private static string Indent(int depth) => new(' ', depth * 2);
}
