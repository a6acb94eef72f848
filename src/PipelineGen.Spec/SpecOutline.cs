using System.Linq;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec;

/// <summary>A column type the spec declares under <c>data.columns</c>.</summary>
public sealed record DeclaredColumnType(string Column, string Type);

/// <summary>
/// What a spec says about its public types, read from the YAML tree without validation: kept even when the spec has
/// errors, so the generator can still emit the pipeline's types (see <c>Binding/FallbackPipeline.cs</c>). No spans: a
/// comment edit leaves it equal.
/// </summary>
public sealed record SpecOutline(string? Name, string? TaskKind, string? Label, EquatableArray<DeclaredColumnType> DeclaredTypes)
{
    public static SpecOutline Read(YMapping root)
    {
        var declared = (root.Get("data.columns") as YMapping)?.Entries
            .Where(e => (e.Value as YMapping).GetString("type") is not null)
            .Select(e => new DeclaredColumnType(e.Key.Value, (e.Value as YMapping).GetString("type")!))
            .ToEquatableArray() ?? EquatableArray<DeclaredColumnType>.Empty;
        return new SpecOutline(root.GetString("name"), root.GetString("task.kind"), root.GetString("task.label"), declared);
    }
}
