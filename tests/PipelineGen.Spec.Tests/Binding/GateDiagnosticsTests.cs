using PipelineGen.Spec;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>The spec's 'gates' section: bound with each gate's line for the runtime, and PG0400-PG0405 located in the YAML.</summary>
public class GateDiagnosticsTests
{
    internal const string Gated = Minimal + """

        gates:
          - metric: auc
            min: 0.85
          - { metric: log_loss, max: 0.6 }
          - metric: auc
            min_improvement: 0.05
          - metric: recall
            class: "yes"
            min: 0.5
          - metric: accuracy
            group: plan
            min: 0.7
        """;

    [Fact]
    public void Valid_gates_are_bound_with_kind_threshold_class_group_and_their_line()
    {
        var result = Bind(Gated);
        Assert.Empty(result.Diagnostics);
        var gates = result.Pipeline!.Gates!.Value;
        Assert.Equal(5, gates.Count);
        Assert.Equal(("auc", "min", 0.85), (gates[0].Metric, gates[0].Kind, gates[0].Threshold));
        Assert.Equal(("log_loss", "max", 0.6), (gates[1].Metric, gates[1].Kind, gates[1].Threshold));
        Assert.Equal("min_improvement", gates[2].Kind);
        Assert.Equal("yes", gates[3].Class);
        Assert.Equal("plan", gates[4].Group);
        var (line, column) = PositionOf(Gated, "metric: auc");
        Assert.Equal((line, column), (gates[0].Line, gates[0].Column));
        Assert.Equal(PositionOf(Gated, "{ metric: log_loss").Line, gates[1].Line);
    }

    [Fact]
    public void No_gates_section_binds_null_and_an_empty_list_binds_empty()
    {
        Assert.Null(Bind(Minimal).Pipeline!.Gates);
        var empty = Bind(Minimal + "\ngates: []\n");
        Assert.Empty(empty.Diagnostics);
        Assert.Empty(empty.Pipeline!.Gates!.Value);
    }

    [Fact]
    public void PG0400_a_metric_of_another_task_is_located_at_the_metric_with_a_suggestion()
    {
        var yaml = Minimal + "\ngates:\n  - metric: rmse\n    max: 4.5\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0400");
        AssertAt(d, yaml, "rmse");
        Assert.Contains("binary", d.Message);
        Assert.Contains("auc", d.Message);
    }

    [Fact]
    public void PG0400_an_unknown_metric_gets_did_you_mean()
    {
        var yaml = Minimal + "\ngates:\n  - metric: acuracy\n    min: 0.8\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0400");
        AssertAt(d, yaml, "acuracy");
        Assert.Contains("accuracy", d.Message);
    }

    [Fact]
    public void PG0400_a_per_class_gate_takes_only_precision_recall_or_f1()
    {
        var yaml = Minimal + "\ngates:\n  - metric: auc\n    class: \"yes\"\n    min: 0.8\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0400");
        Assert.Contains("per-class", d.Message);
        Assert.Contains("recall", d.Message);
    }

    [Theory]
    [InlineData("auc", "max: 0.9", "max", "min")]
    [InlineData("log_loss", "min: 0.2", "min", "max")]
    public void PG0401_a_threshold_against_the_metrics_direction_is_located_at_the_key(string metric, string threshold, string key, string fix)
    {
        var yaml = Minimal + $"\ngates:\n  - metric: {metric}\n    {threshold}\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0401");
        AssertAt(d, yaml, key + ":");
        Assert.Contains($"Use '{fix}'", d.Message);
    }

    [Theory]
    [InlineData("\n    min: 0.8\n    max: 0.9\n", "2 thresholds")]
    [InlineData("\n", "no threshold")]
    public void PG0402_a_gate_needs_exactly_one_threshold(string thresholds, string expected)
    {
        var yaml = Minimal + "\ngates:\n  - metric: auc" + thresholds;
        var d = Single(Bind(yaml).Diagnostics, "PG0402");
        AssertAt(d, yaml, "metric: auc");
        Assert.Contains(expected, d.Message);
    }

    [Fact]
    public void PG0402_an_improvement_gate_per_group_is_refused()
    {
        var yaml = Minimal + "\ngates:\n  - metric: auc\n    group: plan\n    min_improvement: 0.1\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0402");
        AssertAt(d, yaml, "min_improvement");
    }

    [Fact]
    public void PG0403_a_class_the_label_does_not_have_lists_the_values()
    {
        var yaml = Minimal + "\ngates:\n  - metric: recall\n    class: maybe\n    min: 0.5\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0403");
        AssertAt(d, yaml, "maybe");
        Assert.Contains("'no'", d.Message);
        Assert.Contains("'yes'", d.Message);
    }

    [Fact]
    public void PG0404_an_unknown_group_column_is_located_with_did_you_mean()
    {
        var yaml = Minimal + "\ngates:\n  - metric: accuracy\n    group: plna\n    min: 0.5\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0404");
        AssertAt(d, yaml, "plna");
        Assert.Contains("plan", d.Message);
    }

    [Fact]
    public void PG0404_the_label_as_group_points_to_class()
    {
        var yaml = Minimal + "\ngates:\n  - metric: accuracy\n    group: churned\n    min: 0.5\n";
        Assert.Contains("per-class", Single(Bind(yaml).Diagnostics, "PG0404").Message);
    }

    [Theory]
    [InlineData("auc", "min: 1.5")]
    [InlineData("log_loss", "max: -1")]
    public void PG0405_a_threshold_the_metric_cannot_reach(string metric, string threshold)
    {
        var yaml = Minimal + $"\ngates:\n  - metric: {metric}\n    {threshold}\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0405");
        AssertAt(d, yaml, threshold.Split(':')[0] + ":");
    }

    [Fact]
    public void Require_binds_mean_by_default_and_interval_when_written()
    {
        var yaml = Minimal + "\ngates:\n  - metric: auc\n    min: 0.8\n    require: interval\n  - metric: auc\n    min: 0.7\n  - { metric: log_loss, max: 0.6, require: mean }\n";
        var result = Bind(yaml);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["interval", "mean", "mean"], result.Pipeline!.Gates!.Value.Select(g => g.Require));
    }

    [Fact]
    public void A_require_other_than_mean_or_interval_is_PG0003_located_at_the_value_with_did_you_mean()
    {
        var yaml = Minimal + "\ngates:\n  - metric: auc\n    min: 0.8\n    require: intervals\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, "intervals");
        Assert.Contains("gates[0].require", d.Message);
        Assert.Contains("mean", d.Message);
        Assert.Contains("'interval'", d.Message);
    }

    [Fact]
    public void An_unknown_key_in_a_gate_is_PG0002()
    {
        var yaml = Minimal + "\ngates:\n  - metric: auc\n    minimum: 0.8\n";
        Assert.Contains(Bind(yaml).Diagnostics, d => d.Id == "PG0002");
    }
}
