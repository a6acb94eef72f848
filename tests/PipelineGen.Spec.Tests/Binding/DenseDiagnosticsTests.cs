using PipelineGen.Spec.Catalog;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>The dense trainer's hyperparameters (issue 15): list and word values, ranges, cross-key rules, each located.</summary>
public class DenseDiagnosticsTests
{
    private static string Dense(string parameters) => Minimal + "\nmodel:\n  trainer: dense\n  params:\n" + parameters;

    [Fact]
    public void A_full_dense_spec_binds_to_the_runtime_factory_with_typed_literals()
    {
        var yaml = Dense("    layers: [64, 32]\n    activation: tanh\n    dropout: 0.2\n    l2: 1e-4\n    epochs: 200\n    batch_size: 64\n    learning_rate: 1e-3\n    early_stopping: 10\n    validation_fraction: 0.1\n");
        var result = Bind(yaml);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        var trainer = result.Pipeline!.Trainer;
        Assert.Equal("global::PipelineGen.Runtime.Networks.Integration.DenseNetworkTrainers.Binary", trainer.Binding.CatalogMethod);
        Assert.Contains(trainer.Options, o => o.Property == "Layers" && o.Literal == "new int[] { 64, 32 }");
        Assert.Contains(trainer.Options, o => o.Property == "Activation" && o.Literal == "global::PipelineGen.Runtime.Networks.DenseActivation.Tanh");
        Assert.Contains(trainer.Options, o => o.Property == "ValidationFraction" && o.Literal == "0.1d");
        Assert.Equal("Epochs", trainer.CapacityOption);
        // Inputs standardised inside the pipeline (prepare.normalize auto).
        Assert.Equal("zscore", result.Pipeline.Preparation.Normalize);
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("multiclass")]
    [InlineData("regression")]
    public void Dense_fits_every_task(string task)
    {
        Assert.True(TaskKinds.TryParse(task, out var kind));
        Assert.NotNull(TrainerCatalog.Find("dense")!.For(kind));
    }

    [Theory]
    [InlineData("[64, 0]", "0", 2)]
    [InlineData("[-3, 16]", "-3", 1)]
    [InlineData("[64, 5000]", "5000", 2)]
    public void PG0600_a_layer_width_out_of_range_is_located_on_that_item(string layers, string bad, int position)
    {
        var yaml = Dense($"    layers: {layers}\n");
        var d = Single(Bind(yaml).Diagnostics, "PG0600");
        AssertAt(d, yaml, bad == "0" ? "0]" : bad);
        Assert.Contains($"Layer {position} ", d.Message);
        Assert.Contains(bad, d.Message);
    }

    [Fact]
    public void PG0600_a_fractional_width_is_refused_by_the_shape_or_the_binder()
    {
        var yaml = Dense("    layers: [64.5]\n");
        Assert.Contains(Bind(yaml).Diagnostics, d => d.Id is "PG0003" or "PG0600");
    }

    [Fact]
    public void PG0601_an_empty_layer_list()
    {
        var yaml = Dense("    layers: []\n");
        AssertAt(Single(Bind(yaml).Diagnostics, "PG0601"), yaml, "[]");
    }

    [Fact]
    public void PG0602_an_unknown_activation_suggests_the_closest()
    {
        var yaml = Dense("    activation: rleu\n");
        var d = Single(Bind(yaml).Diagnostics, "PG0602");
        AssertAt(d, yaml, "rleu");
        Assert.Contains("'relu'", d.Message);
    }

    [Fact]
    public void PG0607_an_unknown_schedule_suggests_the_closest()
    {
        var yaml = Dense("    schedule: cosin\n");
        var d = Single(Bind(yaml).Diagnostics, "PG0607");
        AssertAt(d, yaml, "cosin");
        Assert.Contains("'cosine'", d.Message);
        Assert.DoesNotContain(Bind(yaml).Diagnostics, x => x.Id == "PG0602");
    }

    [Theory]
    [InlineData("constant", "Constant")]
    [InlineData("cosine", "Cosine")]
    public void The_schedule_binds_to_the_runtime_enum(string word, string member)
    {
        var result = Bind(Dense($"    schedule: {word}\n"));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Contains(result.Pipeline!.Trainer.Options, o => o.Property == "Schedule" && o.Literal == "global::PipelineGen.Runtime.Networks.DenseSchedule." + member);
    }

    [Fact]
    public void PG0603_layers_and_units_together()
    {
        var yaml = Dense("    layers: [64, 32]\n    units: 32\n");
        AssertAt(Single(Bind(yaml).Diagnostics, "PG0603"), yaml, "units");
    }

    [Theory]
    [InlineData("dropout: 1", "at most 0.99")]
    [InlineData("dropout: -0.1", "at least 0")]
    [InlineData("learning_rate: 0", "greater than 0")]
    [InlineData("l2: -1", "at least 0")]
    [InlineData("batch_size: 0", "at least 1")]
    [InlineData("epochs: 0", "at least 1")]
    [InlineData("validation_fraction: 0", "greater than 0")]
    [InlineData("validation_fraction: 0.6", "at most 0.5")]
    [InlineData("early_stopping: -1", "at least 0")]
    public void PG0204_ranges_of_the_numeric_settings(string setting, string expected)
    {
        var yaml = Dense("    " + setting + "\n");
        var d = Single(Bind(yaml).Diagnostics, "PG0204");
        Assert.Contains(expected, d.Message);
        var (line, column) = PositionOf(yaml, setting);
        Assert.Equal((line, column + setting.IndexOf(": ", StringComparison.Ordinal) + 2), (d.Span.StartLine, d.Span.StartColumn));
    }

    [Fact]
    public void PG0604_tune_cannot_search_the_layer_list_but_searches_units_and_depth()
    {
        var bad = Minimal + "\nmodel:\n  trainer: dense\ntune:\n  space:\n    layers: { values: [16, 32] }\n";
        AssertAt(Single(Bind(bad).Diagnostics, "PG0604"), bad, "layers: {");

        var good = Minimal + "\nmodel:\n  trainer: dense\ntune:\n  space:\n    units: { min: 8, max: 64, scale: log }\n    depth: { min: 1, max: 3 }\n    dropout: { min: 0, max: 0.5 }\n    learning_rate: { min: 0.0001, max: 0.01, scale: log }\n";
        var result = Bind(good);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(new[] { "units", "depth", "dropout", "learning_rate" }, result.Pipeline!.Tune!.Space.Select(p => p.Name));
    }

    [Fact]
    public void Deploy_onnx_with_dense_is_accepted_export_joins_the_network_graph()
    {
        // PG0605 is no longer a build-time refusal: 'export onnx' joins the network's graph (PipelineGen.Export.Tests).
        var yaml = Minimal + "\nmodel:\n  trainer: dense\ndeploy:\n  onnx: true\n";
        var result = Bind(yaml);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "PG0605");
    }

    [Fact]
    public void PG0606_a_batch_larger_than_the_whole_data()
    {
        var yaml = Dense("    batch_size: 500\n");
        var d = Single(Bind(yaml).Diagnostics, "PG0606");
        AssertAt(d, yaml, "500");
        Assert.Contains("120 rows", d.Message);
        // A sampled (incomplete) schema does not know the row count: no claim is made.
        Assert.DoesNotContain(Bind(yaml, ChurnSchema() with { SampleIsComplete = false }).Diagnostics, x => x.Id == "PG0606");
    }

    [Fact]
    public void A_list_for_another_trainer_is_out_of_range_not_a_crash()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: lightgbm\n  params:\n    leaves: [4, 8]\n";
        Assert.Contains(Bind(yaml).Diagnostics, d => d.Id == "PG0204");
    }

    [Fact]
    public void Default_tune_space_of_a_dense_spec_searches_the_network_by_units_depth_and_log_scaled_rates()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: dense\ntune:\n  trials: 10\n";
        var result = Bind(yaml);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        var dense = Assert.Single(result.Pipeline!.Tune!.Trainers!.Value, b => b.Name == "dense");
        Assert.Equal("zscore", dense.Normalize);
        Assert.Equal(new[] { "units", "depth", "dropout", "l2", "learning_rate" }, dense.Space.Select(p => p.Name));
        Assert.True(dense.Space.Single(p => p.Name == "learning_rate").Log);
        Assert.True(dense.Space.Single(p => p.Name == "l2").Log);
        Assert.Equal("int", dense.Space.Single(p => p.Name == "depth").Type);

        // A tree spec's default space does not pay for network trials.
        var trees = Bind(Minimal + "\ntune:\n  trials: 10\n");
        Assert.DoesNotContain(trees.Pipeline!.Tune!.Trainers!.Value, b => b.Name == "dense");
    }

    [Fact]
    public void Tune_trainers_can_search_dense_alongside_trees()
    {
        var yaml = Minimal + "\ntune:\n  trainers:\n    lightgbm: {}\n    dense:\n      units: { min: 16, max: 64, scale: log }\n      dropout: { values: [0, 0.2] }\n";
        var result = Bind(yaml);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(new[] { "lightgbm", "dense" }, result.Pipeline!.Tune!.Trainers!.Value.Select(b => b.Name));
    }
}
