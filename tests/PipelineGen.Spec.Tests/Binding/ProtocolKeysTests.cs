using PipelineGen.Spec;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>evaluate.duplicates and model.capacity: parsed, bound for the emitter, and checked.</summary>
public class ProtocolKeysTests
{
    [Theory]
    [InlineData("", "group")]
    [InlineData("\nevaluate:\n  duplicates: drop\n", "drop")]
    [InlineData("\nevaluate:\n  duplicates: keep\n", "keep")]
    public void Evaluate_duplicates_is_bound(string section, string expected)
    {
        var result = Bind(Minimal + section);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(expected, result.Pipeline!.Evaluation.Duplicates);
    }

    [Fact]
    public void Evaluate_duplicates_with_an_unknown_value_is_PG0003_at_the_value()
    {
        var yaml = Minimal + "\nevaluate:\n  duplicates: dedupe\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, "dedupe");
        Assert.Contains("group", d.Message);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("  capacity: auto\n", false)]
    [InlineData("  capacity: pinned\n", true)]
    public void Model_capacity_pinned_is_bound_for_a_trainer_with_a_capacity_knob(string line, bool pinned)
    {
        var result = Bind(Minimal + "\nmodel:\n  trainer: lightgbm\n" + line);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(pinned, result.Pipeline!.Trainer.CapacityPinned);
    }

    [Fact]
    public void PG0320_model_capacity_on_a_trainer_without_a_capacity_knob_is_a_warning_at_the_value()
    {
        var yaml = Minimal.Replace("kind: binary", "kind: multiclass") + "\nmodel:\n  trainer: naive_bayes\n  capacity: pinned\n";
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = 3, DistinctValues = new[] { "a", "b", "c" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var result = Bind(yaml, schema);
        var d = Single(result.Diagnostics, "PG0320");
        Assert.Equal(Severity.Warning, d.Severity);
        AssertAt(d, yaml, "pinned");
        Assert.False(result.Pipeline!.Trainer.CapacityPinned);
    }
}
