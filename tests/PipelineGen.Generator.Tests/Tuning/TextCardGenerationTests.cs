using System.Text.Json;
using PipelineGen.Generator.Tests.Harness;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>
/// The model card states the text featurisation a model was fitted with: the spec's n-grams, or the lock file's tuned
/// ones, as the generated pipeline passed them to ML.NET (noted at Fit time, not re-read from the spec).
/// </summary>
public sealed class TextCardGenerationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-textcard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Own names: each spec compiles into an assembly of its own, beside the snapshot pipelines.
    private static string Spec(string name, string textSettings, string tune = "") =>
        Fixtures.TitanicSpec.Replace("name: Titanic", $"name: {name}")
            .Replace("  missing_indicators: true\n", "  missing_indicators: true\n" + textSettings)
            .Replace("    min_examples_per_leaf: 5\n", "    min_examples_per_leaf: 5\n    threads: 1\n") + tune;

    private (ModelCard Card, string Json, string Markdown) Train(string spec, string? lockText = null)
    {
        var path = Path.Combine(_dir, "titanic.csv");
        if (!File.Exists(path)) File.Copy(Path.Combine(Fixtures.TestData, "titanic.csv"), path);
        var run = GeneratorHarness.RunWithLock(Path.Combine(_dir, "pipeline.yaml"), spec, Fixtures.TitanicSchema, lockText);
        Assert.Empty(run.GeneratorDiagnostics);
        var type = GeneratorHarness.Load(run).GetTypes().Single(t => t.Name.EndsWith("Pipeline", StringComparison.Ordinal) && typeof(IPipelineDefinition).IsAssignableFrom(t));
        var pipeline = GeneratorHarness.CreatePipeline(type.Assembly, type.FullName!, _dir);
        var result = TrainStep.Train(new Microsoft.ML.MLContext(1), pipeline);
        return (result.Card, File.ReadAllText(ModelCard.JsonPath(result.ModelPath)), File.ReadAllText(ModelCard.MarkdownPath(result.ModelPath)));
    }

    [Fact]
    public void The_card_states_the_specs_non_default_ngrams_in_json_and_markdown()
    {
        var (card, json, markdown) = Train(Spec("TextCardSpec", "  text:\n    word_ngrams: 1\n    char_ngrams: 5\n"));

        var text = Assert.Single(card.Preparation.Text!);
        Assert.Equal(("name", 1, 5, true, false), (text.Column, text.WordNgrams, text.CharNgrams, text.WordAllLengths, text.CharAllLengths));
        Assert.Equal(("tf", "L2", "lower"), (text.WordWeighting, text.Norm, text.Case));
        using (var document = JsonDocument.Parse(json))
        {
            var stored = Assert.Single(document.RootElement.GetProperty("preparation").GetProperty("text").EnumerateArray());
            Assert.Equal(1, stored.GetProperty("wordNgrams").GetInt32());
            Assert.Equal(5, stored.GetProperty("charNgrams").GetInt32());
            Assert.True(stored.GetProperty("charNgramsOn").GetBoolean());
        }
        Assert.Contains("- `name` (text): single words (tf weighting), character 5-grams (tf weighting); vector normalised L2; case lower; diacritics kept, punctuation kept, numbers kept; stop words kept\n", markdown.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_card_states_the_lock_files_tuned_ngrams_not_the_specs()
    {
        const string tune = """

            tune:
              strategy: random
              trials: 4
              prepare:
                word_ngrams: [1, 3]
                char_ngrams: [0, 4]
            """;
        const string lockText = """
            version: 1
            pipeline: 'TextCardTuned'
            trainer: 'lightgbm'
            params:
              leaves: 8
            prepare:
              word_ngrams: 3
              char_ngrams: 0
            study:
              id: '20261201-000000-abcdef'
            """;
        var (card, json, markdown) = Train(Spec("TextCardTuned", "  text:\n    word_ngrams: 1\n    char_ngrams: 5\n", tune), lockText);

        var text = Assert.Single(card.Preparation.Text!);
        Assert.Equal((3, 0, false), (text.WordNgrams, text.CharNgrams, text.CharNgramsOn));
        Assert.Contains("\"charNgramsOn\": false", json);
        Assert.Contains("word n-grams of 1 to 3 words (tf weighting), character n-grams off;", markdown);
    }
}
