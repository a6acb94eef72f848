using PipelineGen.Spec;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>task.threshold: bound for the emitter on binary tasks, range-checked, and a located warning elsewhere.</summary>
public class ThresholdKeyTests
{
    private static string WithThreshold(string value) => Minimal.Replace("label: churned", "label: churned\n  threshold: " + value);

    [Fact]
    public void A_binary_threshold_is_bound_and_absent_means_none()
    {
        var result = Bind(WithThreshold("0.3"));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(0.3, result.Pipeline!.DecisionThreshold);
        Assert.Null(Bind(Minimal).Pipeline!.DecisionThreshold);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.0")]
    [InlineData("1.5")]
    [InlineData("high")]
    public void A_threshold_outside_0_to_1_is_an_invalid_value(string value)
    {
        var yaml = WithThreshold(value);
        var d = Single(Parse(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, value);
    }

    [Fact]
    public void PG0330_threshold_on_a_multiclass_task_is_a_warning_at_the_value_and_not_bound()
    {
        var yaml = WithThreshold("0.3").Replace("kind: binary", "kind: multiclass");
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = 3, DistinctValues = new[] { "a", "b", "c" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var result = Bind(yaml, schema);
        var d = Single(result.Diagnostics, "PG0330");
        Assert.Equal(Severity.Warning, d.Severity);
        AssertAt(d, yaml, "0.3");
        Assert.Contains("a multiclass model has no positive class", d.Message);
        Assert.Null(result.Pipeline!.DecisionThreshold);
    }

    [Fact]
    public void PG0330_on_a_regression_task_does_not_say_the_model_predicts_a_class()
    {
        var yaml = WithThreshold("0.3").Replace("kind: binary", "kind: regression");
        var result = Bind(yaml, ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { Type = "numeric" } : c).ToEquatableArray(),
        });
        var d = Single(result.Diagnostics, "PG0330");
        Assert.Contains("a regression model has no positive class", d.Message);
        Assert.DoesNotContain("most probable class", d.Message);
        Assert.Null(result.Pipeline!.DecisionThreshold);
    }
}
