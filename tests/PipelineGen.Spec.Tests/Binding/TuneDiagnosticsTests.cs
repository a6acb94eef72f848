using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>The tune section and its lock file: what the generator is told to emit, and every mistake located where to fix it.</summary>
public partial class TuneDiagnosticsTests
{
    public const string LockPath = "/project/pipeline.lock.yaml";

    public const string Tuned = Minimal + """

        model:
          trainer: lightgbm
          params:
            leaves: 8
        tune:
          strategy: bayesian
          trials: 30
          space:
            leaves: { min: 4, max: 64, scale: log }
            min_examples_per_leaf: { values: [5, 20] }
        """;

    public const string GoodLock = """
        version: 1
        pipeline: 'Churn'
        trainer: 'lightgbm'
        params:
          leaves: 16
          min_examples_per_leaf: 20
        study:
          id: 's1'
        """;

    public static BindResult BindWithLock(string yaml, string lockText) =>
        SpecBinder.Bind(Parse(yaml), ChurnSchema(), "MyApp", new LockFileInput(LockPath, lockText));

    [Fact]
    public void PG0232_a_lock_written_for_another_pipeline_is_a_located_warning_and_its_values_still_bind()
    {
        var foreign = GoodLock.Replace("pipeline: 'Churn'", "pipeline: 'Multi'");
        var result = BindWithLock(Tuned, foreign);
        var d = Assert.Single(result.Diagnostics, x => x.Id == "PG0232");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Equal(LockPath, d.FilePath);
        Assert.Equal(2, d.Span.StartLine);
        Assert.Contains("names pipeline 'Multi', but this spec is 'Churn'", d.Message);
        Assert.NotNull(result.Pipeline!.Lock);
        Assert.DoesNotContain(BindWithLock(Tuned, GoodLock).Diagnostics, x => x.Id == "PG0232");
    }

    [Fact]
    public void Tune_section_binds_to_the_space_the_runtime_searches()
    {
        var tune = Bind(Tuned).Pipeline!.Tune!;
        Assert.Equal("bayesian", tune.Strategy);
        Assert.Equal(30, tune.Trials);
        Assert.Equal("pipeline.lock.yaml", tune.LockFileName);
        Assert.Equal(new BoundSearchParameter("leaves", "int", 4, 64, true, EquatableArray<double>.Empty), tune.Space[0]);
        Assert.Equal([5.0, 20.0], tune.Space[1].Values);
    }

    [Fact]
    public void A_fitting_lock_replaces_the_spec_values_in_the_trainer_options()
    {
        var result = BindWithLock(Tuned, GoodLock);
        Assert.Empty(result.Diagnostics);
        var options = result.Pipeline!.Trainer.Options;
        Assert.Contains(new OptionAssignment("NumberOfLeaves", "16"), options);
        Assert.DoesNotContain(new OptionAssignment("NumberOfLeaves", "8"), options);
        Assert.Contains(new OptionAssignment("MinimumExampleCountPerLeaf", "20"), options);
        Assert.Equal("s1", result.Pipeline.Lock!.StudyId);
    }

    [Theory]
    [InlineData("{ values: [8] }", "has one point (leaves = 8)")]
    [InlineData("{ min: 3, max: 3.5 }", "has one point (leaves = 3)")]
    public void PG0210_a_space_with_one_point(string range, string expected)
    {
        var yaml = Minimal + "\ntune:\n  space:\n    leaves: " + range + "\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0210");
        Assert.Contains(expected, d.Message);
        AssertAt(d, yaml, "leaves:");
    }

    [Fact]
    public void PG0210_an_empty_space()
    {
        var yaml = Minimal + "\ntune:\n  space: {}\n";
        Assert.Contains("is empty", Single(Bind(yaml).Diagnostics, "PG0210").Message);
    }

    [Fact]
    public void A_budget_of_zero_is_refused_by_the_shape()
    {
        var yaml = Minimal + "\ntune:\n  trials: 0\n  space:\n    leaves: { min: 2, max: 8 }\n";
        AssertAt(Single(Bind(yaml).Diagnostics, "PG0003"), yaml, "0\n");
    }

    [Fact]
    public void A_strategy_that_is_not_implemented_is_refused()
    {
        var yaml = Minimal + "\ntune:\n  strategy: bohb2\n  space:\n    leaves: { min: 2, max: 8 }\n";
        AssertAt(Single(Bind(yaml).Diagnostics, "PG0003"), yaml, "bohb2");
    }

    [Theory]
    [InlineData("halving")]
    [InlineData("hyperband")]
    public void Successive_halving_strategies_are_accepted(string strategy)
    {
        var yaml = Minimal + $"\ntune:\n  strategy: {strategy}\n  space:\n    leaves: {{ min: 2, max: 8 }}\n";
        Assert.DoesNotContain(Bind(yaml).Diagnostics, d => d.Id == "PG0003");
    }

    [Theory]
    [InlineData("version: 1\ntrainer: [lightgbm\n", 3)]
    [InlineData("trainer: lightgbm\n", 1)]
    [InlineData("version: 1\nparams: { leaves: 4 }\n", 1)]
    public void PG0211_unreadable_lock(string lockText, int line)
    {
        var d = Single(BindWithLock(Tuned, lockText).Diagnostics, "PG0211");
        Assert.Equal(LockPath, d.FilePath);
        Assert.True(d.Span.StartLine == line, d.ToString());
    }

    [Fact]
    public void PG0212_lock_for_another_trainer()
    {
        var lockText = GoodLock.Replace("'lightgbm'", "'fast_tree'");
        var d = Single(BindWithLock(Tuned, lockText).Diagnostics, "PG0212");
        Assert.Equal(LockPath, d.FilePath);
        Assert.Equal((3, 10), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("pins trainer 'fast_tree' but the spec's trainer is 'lightgbm'", d.Message);
        Assert.Null(BindWithLock(Tuned, lockText).Pipeline);
    }

    [Fact]
    public void PG0213_lock_pins_an_unknown_hyperparameter()
    {
        var d = Single(BindWithLock(Tuned, GoodLock.Replace("  leaves: 16", "  num_leaves: 16")).Diagnostics, "PG0213");
        Assert.Equal((5, 3), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("'num_leaves'", d.Message);
    }

    [Theory]
    [InlineData("  leaves: 128", "range declared in tune.space.leaves (4 to 64)")]
    [InlineData("  leaves: 1", "what trainer 'lightgbm' accepts")]
    [InlineData("  min_examples_per_leaf: 7", "values declared in tune.space.min_examples_per_leaf (5, 20)")]
    public void PG0214_lock_value_outside_the_declared_range(string line, string expected)
    {
        var lockText = line.Contains("leaves:") && !line.Contains("min_")
            ? GoodLock.Replace("  leaves: 16", line)
            : GoodLock.Replace("  min_examples_per_leaf: 20", line);
        var d = Single(BindWithLock(Tuned, lockText).Diagnostics, "PG0214");
        Assert.Equal(LockPath, d.FilePath);
        Assert.Contains(expected, d.Message);
    }
}
