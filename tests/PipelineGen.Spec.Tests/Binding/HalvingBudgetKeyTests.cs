using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>tune.halving_budget: bound for the generator (the runtime acts on it), with located warnings where it cannot apply (PG0231).</summary>
public class HalvingBudgetKeyTests
{
    private static string Halving(string spec, string budget) =>
        spec.Replace("strategy: bayesian", "strategy: hyperband") + "\n  halving_budget: " + budget + "\n";

    [Fact]
    public void The_key_binds_and_defaults_to_auto()
    {
        Assert.Equal("auto", Bind(TuneDiagnosticsTests.Tuned).Pipeline!.Tune!.HalvingBudget);
        var result = Bind(Halving(TuneDiagnosticsTests.Tuned, "iterations"));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "PG0231");
        Assert.Equal("iterations", result.Pipeline!.Tune!.HalvingBudget);
        Assert.Equal("rows", Bind(Halving(TuneDiagnosticsTests.MultiTrainer, "rows")).Pipeline!.Tune!.HalvingBudget);
    }

    [Fact]
    public void PG0231_a_budget_with_a_strategy_that_is_not_halving_does_nothing()
    {
        var yaml = TuneDiagnosticsTests.Tuned + "\n  halving_budget: iterations\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0231");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Contains("'tune.strategy' is 'bayesian'", d.Message);
        AssertAt(d, yaml, "iterations\n");
    }

    [Fact]
    public void PG0231_iterations_when_a_searched_trainer_has_no_count()
    {
        // sdca's iterations are 'auto' (ML.NET decides): no count to take a share of; lightgbm and fast_forest have one.
        var yaml = Halving(TuneDiagnosticsTests.MultiTrainer, "iterations");
        var d = Single(Bind(yaml).Diagnostics, "PG0231");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Contains("sdca has no tree or iteration count", d.Message);
        Assert.Contains("use 'auto'", d.Message);
        AssertAt(d, yaml, "iterations\n");
        // auto applies each kind where it can: nothing to say.
        Assert.DoesNotContain(Bind(Halving(TuneDiagnosticsTests.MultiTrainer, "auto")).Diagnostics, x => x.Id == "PG0231");
    }

    [Fact]
    public void PG0231_iterations_for_lbfgs_whose_default_runs_until_convergence()
    {
        // lbfgs's iterations default to int.MaxValue (until it converges): a cap, not a count a share of which is cheaper.
        var yaml = Halving(TuneDiagnosticsTests.MultiTrainer.Replace("    sdca: { l2_regularization:", "    lbfgs: { l2_regularization:"), "iterations");
        var d = Single(Bind(yaml).Diagnostics, "PG0231");
        Assert.Contains("lbfgs has no tree or iteration count", d.Message);
        Assert.Contains("runs until convergence", d.Message);
    }

    [Fact]
    public void PG0231_iterations_when_no_trainer_has_a_count()
    {
        var yaml = Halving(TuneDiagnosticsTests.MultiTrainer.Replace("    lightgbm: { leaves: { min: 4, max: 128, scale: log }, learning_rate: { min: 0.01, max: 0.3, scale: log } }\n", "")
            .Replace("    fast_forest: { trees: { min: 20, max: 300 } }\n", "    sdca_noncalibrated: {}\n"), "iterations");
        var d = Single(Bind(yaml).Diagnostics, "PG0231");
        Assert.Contains("cannot apply: no trainer searched has a tree or iteration count", d.Message);
        AssertAt(d, yaml, "iterations\n");
    }

    [Fact]
    public void An_unknown_budget_is_a_located_schema_error()
    {
        var yaml = Halving(TuneDiagnosticsTests.Tuned, "trees");
        var diagnostics = Bind(yaml).Diagnostics;
        Assert.Contains(diagnostics, d => d.Severity == Severity.Error && d.Span.StartLine == yaml.Split('\n').Length - 1);
    }
}
