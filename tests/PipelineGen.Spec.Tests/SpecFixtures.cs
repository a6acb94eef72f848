using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;

namespace PipelineGen.Spec.Tests;

/// <summary>Small specs and the schema the build tool would infer for their data.</summary>
internal static class SpecFixtures
{
    public const string SpecPath = "/project/pipeline.yaml";

    public const string Minimal = """
        version: 1
        name: Churn
        task:
          kind: binary
          label: churned
        data:
          train: data.csv
        """;

    public static InferredSchema ChurnSchema(params InferredColumn[] extra) => new(
        SpecPath, "/project/data.csv", 120, true,
        new InferredColumn[]
        {
            new("customer_id", 0, "categorical", 0, 120, EquatableArray<string>.Empty),
            new("age", 1, "numeric", 3, 40, EquatableArray<string>.Empty),
            new("plan", 2, "categorical", 0, 2, new[] { "basic", "pro" }.ToEquatableArray()),
            new("notes", 3, "text", 5, 110, EquatableArray<string>.Empty),
            new("churned", 4, "categorical", 0, 2, new[] { "no", "yes" }.ToEquatableArray()),
        }.Concat(extra).ToEquatableArray(),
        EquatableArray<DiagnosticInfo>.Empty);

    public static ParsedSpec Parse(string yaml) => SpecParser.Parse(yaml, SpecPath);

    public static BindResult Bind(string yaml, InferredSchema? schema = null) =>
        SpecBinder.Bind(Parse(yaml), schema ?? ChurnSchema(), "MyApp");

    public static DiagnosticInfo Single(IEnumerable<DiagnosticInfo> diagnostics, string id)
    {
        var list = diagnostics.ToList();
        var matching = list.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"expected one {id}, got: {string.Join(" | ", list)}");
        return matching[0];
    }

    /// <summary>The 1-based line and column of the first occurrence of <paramref name="needle"/> in <paramref name="yaml"/>.</summary>
    public static (int Line, int Column) PositionOf(string yaml, string needle, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++) index = yaml.IndexOf(needle, index + 1, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{needle}' not in yaml");
        var before = yaml.Substring(0, index);
        var line = before.Count(c => c == '\n') + 1;
        var column = index - (before.LastIndexOf('\n') + 1) + 1;
        return (line, column);
    }

    public static void AssertAt(DiagnosticInfo d, string yaml, string needle, int occurrence = 1)
    {
        var (line, column) = PositionOf(yaml, needle, occurrence);
        Assert.True((line, column) == (d.Span.StartLine, d.Span.StartColumn),
            $"expected {d.Id} at ({line},{column}) ['{needle}'] but it is at ({d.Span.StartLine},{d.Span.StartColumn}): {d}");
    }
}
