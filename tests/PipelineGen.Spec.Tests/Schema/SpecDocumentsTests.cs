using PipelineGen.Spec.Schema;
using PipelineGen.Spec.Yaml;

namespace PipelineGen.Spec.Tests;

/// <summary>The committed JSON Schema and spec reference are generated from the parser's own shape; these keep them true.</summary>
public class SpecDocumentsTests
{
    private static string RepoFile(string relative)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "PipelineGen.sln"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, relative);
    }

    private static void AssertCommitted(string relative, string expected)
    {
        var path = RepoFile(relative);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"{relative} is missing; run the tests with UPDATE_SNAPSHOTS=1");
        Assert.True(File.ReadAllText(path) == expected, $"{relative} is out of date with SpecShape; run the tests with UPDATE_SNAPSHOTS=1 and commit it");
    }

    [Fact]
    public void Json_schema_is_committed_and_current() => AssertCommitted("schemas/pipeline.schema.json", SpecDocuments.JsonSchema());

    [Fact]
    public void Spec_reference_is_committed_and_current() =>
        AssertCommitted("docs/spec-reference.md", SpecDocuments.Reference() + TrainerReference.Markdown(MlNetDefaults.Of));

    [Fact]
    public void Spec_reference_lists_every_hyperparameter_of_every_trainer_with_a_known_default()
    {
        var page = TrainerReference.Markdown(MlNetDefaults.Of);
        foreach (var trainer in PipelineGen.Spec.Catalog.TrainerCatalog.All)
        {
            var section = page[page.IndexOf($"### `{trainer.Name}`", StringComparison.Ordinal)..];
            var next = section.IndexOf("\n### ", 1, StringComparison.Ordinal);
            if (next > 0) section = section[..next];
            foreach (var p in trainer.Params)
            {
                var row = section.Split('\n').Single(l => l.StartsWith($"| `{p.Name}` |", StringComparison.Ordinal));
                Assert.DoesNotContain("unknown", row);
            }
        }
        // LightGBM iterations: ML.NET default read from its options object, not typed in.
        Assert.Contains("| `iterations` | integer | ≥ 1 | " + new Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer.Options().NumberOfIterations + " |", page);
    }

    [Fact]
    public void A_parameter_type_added_later_renders_by_name_instead_of_failing() =>
        Assert.Equal("99", TrainerReference.TypeText((PipelineGen.Spec.Catalog.ParamType)99));

    [Fact]
    public void Json_schema_is_well_formed_and_lists_every_top_level_key()
    {
        var parsed = YamlTreeParser.Parse(SpecDocuments.JsonSchema(), "schema.json");
        Assert.Empty(parsed.Diagnostics);
        var properties = (YMapping)((YMapping)parsed.Root!)["properties"]!;
        Assert.Equal(SpecShape.Root.Properties.Select(p => p.Key), properties.Entries.Select(e => e.Key.Value));
    }

    [Fact]
    public void Every_diagnostic_named_in_the_reference_exists()
    {
        static IEnumerable<PropertyShape> All(ShapeNode node) => node switch
        {
            ObjectShape o => o.Properties.Concat(o.Properties.SelectMany(p => All(p.Shape))),
            MapShape m => All(m.Value),
            ListShape l => All(l.Item),
            _ => Enumerable.Empty<PropertyShape>(),
        };
        var ids = SpecDiagnostics.All.Select(d => d.Id).ToHashSet();
        Assert.All(All(SpecShape.Root).SelectMany(p => p.Checks ?? Array.Empty<string>()), id => Assert.Contains(id, ids));
    }
}
