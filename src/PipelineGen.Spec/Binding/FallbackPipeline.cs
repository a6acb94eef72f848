using System.Collections.Generic;
using System.Linq;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Data;

namespace PipelineGen.Spec.Binding;

/// <summary>One column of a <see cref="FallbackPipeline"/>'s input class, named as the binder would name it.</summary>
public sealed record FallbackColumn(string Name, string PropertyName, string Kind, bool HasMissing);

/// <summary>
/// What can still be said about a spec that does not bind: its name, task and the columns of its data. The generator emits
/// the public types from it (members throw), so user code that names them compiles and the only errors are the PG ones
/// (without it, one spec error also shows as CS0103 "the name 'Penguins' does not exist" in every file that uses it).
/// </summary>
public sealed record FallbackPipeline(
    string Name,
    string Namespace,
    string SpecPath,
    string SpecFileName,
    TaskKind? Task,
    string? LabelKind,
    EquatableArray<FallbackColumn> Columns);

public static partial class SpecBinder
{
    /// <summary>
    /// From the spec's outline (read even when the spec has errors; no second parse) and the columns of the schema the
    /// build inferred, when there is one. Null when the spec has no usable name.
    /// </summary>
    public static FallbackPipeline? Fallback(ParsedSpec parsed, InferredSchema? schema, string rootNamespace)
    {
        var outline = parsed.Outline;
        var name = outline?.Name;
        if (outline is null || name is null || name.Length > SpecParser.MaxNameLength || !SpecParser.IsIdentifier(name)) return null;
        TaskKind? task = TaskKinds.TryParse(outline.TaskKind, out var kind) ? kind : null;
        var label = outline.Label;
        var declaredTypes = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var declared in outline.DeclaredTypes)
            if (declared.Type is "numeric" or "categorical" or "text" or "boolean" or "datetime")
                declaredTypes[declared.Column] = declared.Type;

        var columns = new List<FallbackColumn>();
        if (schema is not null && !schema.Columns.IsEmpty)
        {
            var names = new PropertyNamer(schema.Columns.Select(c => c.Name), name + "Input");
            foreach (var column in schema.Columns)
            {
                // The same kind the binder gives it: a declared type wins; a boolean with gaps is read as a category.
                var columnKind = declaredTypes.TryGetValue(column.Name, out var t) ? t
                    : column.Type == "boolean" && column.MissingCount > 0 ? "categorical" : column.Type;
                columns.Add(new FallbackColumn(column.Name, names.Next(column.Name), columnKind, column.MissingCount > 0));
            }
        }
        var labelKind = columns.FirstOrDefault(c => c.Name == label)?.Kind;
        var specPath = parsed.FilePath;
        var fileName = specPath.Replace('\\', '/');
        fileName = fileName.Substring(fileName.LastIndexOf('/') + 1);
        return new FallbackPipeline(name, rootNamespace, specPath, fileName, task, labelKind, columns.ToEquatableArray());
    }
}
