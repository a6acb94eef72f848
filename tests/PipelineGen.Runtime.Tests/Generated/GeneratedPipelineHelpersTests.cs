using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Runtime.Tests.Generated;

/// <summary>The spec-independent helpers generated pipelines call instead of carrying their own copies.</summary>
public class GeneratedPipelineHelpersTests
{
    private static PipelineSettings Settings(params ColumnInfo[] columns) => new()
    {
        Name = "T", Task = MlTaskKind.BinaryClassification, LabelColumn = "y", TrainerName = "lightgbm", TrainDataPath = "t.csv",
        Separator = ';', HasHeader = false, Columns = columns,
    };

    [Fact]
    public void Loader_options_come_from_the_settings_columns()
    {
        var options = PipelineSteps.LoaderOptions(Settings(
            new("y", 0, "Y", ColumnKind.Boolean, ColumnRole.Label, false),
            new("age", 2, "Age", ColumnKind.Numeric, ColumnRole.Feature, true),
            new("city", 1, "City", ColumnKind.Categorical, ColumnRole.Feature, false),
            new("when", 3, "When", ColumnKind.DateTime, ColumnRole.Feature, false)));

        Assert.Equal(new[] { ';' }, options.Separators);
        Assert.False(options.HasHeader);
        Assert.True(options.MissingRealsAsNaNs);
        Assert.Equal(new[] { "y", "age", "city", "when" }, options.Columns.Select(c => c.Name));
        Assert.Equal(new[] { DataKind.Boolean, DataKind.Single, DataKind.String, DataKind.DateTime }, options.Columns.Select(c => c.DataKind));
        Assert.Equal(new[] { 0, 2, 1, 3 }, options.Columns.Select(c => c.Source.Single().Min));
    }

    [Fact]
    public void Missing_category_maps_every_token_and_leaves_unwritable_tokens_alone()
    {
        Assert.Equal("x : x == \"\" || x == \"?\" || x == \"NA\" ? \"(missing)\" : x", MissingCategory.Expression(["", "?", "NA"]));
        // A token with a quote cannot be written in ML.NET's expression language: it stays a category of its own.
        Assert.Equal("x : x == \"\" ? \"(missing)\" : x", MissingCategory.Expression(["say \"no\""]));

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { City = "Oslo" }, new Row { City = "?" }, new Row { City = "" } });
        var filled = ml.Transforms.FillMissingCategory("Filled", "City", ["?"]).Fit(data).Transform(data);
        Assert.Equal(new[] { "Oslo", "(missing)", "(missing)" }, filled.GetColumn<string>("Filled"));
    }

    [Fact]
    public void Chain_is_flat_and_label_map_marks_the_positive_class()
    {
        var ml = new MLContext(seed: 1);
        var chain = Assert.IsType<EstimatorChain<ITransformer>>(PipelineSteps.Chain(
            [ml.Transforms.CopyColumns("A", "City"), ml.Transforms.CopyColumns("B", "City"), ml.Transforms.CopyColumns("C", "City")]));
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { City = "Oslo" } });
        Assert.Equal(3, chain.Fit(data).Count());

        Assert.Equal(new[] { new KeyValuePair<float, bool>(0f, false), new KeyValuePair<float, bool>(1f, true) },
            PipelineSteps.LabelMap((0f, false), (1f, true)));
    }

    [Fact]
    public void Text_options_leave_character_ngrams_out_at_zero()
    {
        Assert.Null(TextFeatures.Options(2, 0).CharFeatureExtractor);
        Assert.Equal(3, TextFeatures.Options(2, 3).CharFeatureExtractor!.NgramLength);
        Assert.Equal(2, TextFeatures.Options(2, 3).WordFeatureExtractor!.NgramLength);
        Assert.True(TextFeatures.Options(1, 0).KeepDiacritics);
    }

    private sealed class Row
    {
        public string City { get; set; } = "";
    }
}
