using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// tune.ensemble / tune.honest / tune.outer_folds reach the bound pipeline (the generator emits them; the runtime acts on
/// them, see TuneSpecKeysTests), with located diagnostics for combinations that cannot work or do nothing; and the lock
/// file's pinned ensemble is bound for 'train', or located when it no longer fits the spec.
/// </summary>
public class TuneKeysTests
{
    private const string Keys = TuneDiagnosticsTests.Tuned + "\n  ensemble: true\n  honest: nested\n  outer_folds: 3\n";

    public const string EnsembleLock = TuneDiagnosticsTests.GoodLock + """

        ensemble:
          holdback_score: 0.81
          members:
            - trial: 4
              weight: 0.6
              params:
                leaves: 16
                min_examples_per_leaf: 20
            - trial: 9
              weight: 0.4
              params:
                leaves: 32
                min_examples_per_leaf: 5
        """;

    [Fact]
    public void The_keys_bind_to_what_tune_and_run_do()
    {
        var result = Bind(Keys);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        var tune = result.Pipeline!.Tune!;
        Assert.True(tune.Ensemble);
        Assert.Equal("nested", tune.Honest);
        Assert.Equal(3, tune.OuterFolds);

        // tune.ensemble defaults to true (benchmarks §9b); 'false' opts out.
        var defaults = Bind(TuneDiagnosticsTests.Tuned).Pipeline!.Tune!;
        Assert.True(defaults.Ensemble);
        Assert.False(Bind(TuneDiagnosticsTests.Tuned + "\n  ensemble: false\n").Pipeline!.Tune!.Ensemble);
        Assert.Equal("holdout", defaults.Honest);
        Assert.Equal(5, defaults.OuterFolds);
    }

    [Fact]
    public void PG0222_an_ensemble_tuned_on_pr_auc_is_an_error_at_the_key()
    {
        var yaml = TuneDiagnosticsTests.Tuned + "\n  ensemble: true\n  metric: pr_auc\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0222");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Contains("pr_auc", d.Message);
        AssertAt(d, yaml, "true", occurrence: 1);
    }

    [Fact]
    public void With_pr_auc_the_default_builds_no_ensemble_and_reports_nothing()
    {
        var bound = Bind(TuneDiagnosticsTests.Tuned + "\n  metric: pr_auc\n");
        Assert.DoesNotContain(bound.Diagnostics, d => d.Id == "PG0222");
        Assert.False(bound.Pipeline!.Tune!.Ensemble);
    }

    [Fact]
    public void With_deploy_onnx_the_default_keeps_one_model_and_an_explicit_ensemble_is_PG0227_at_the_key()
    {
        const string deploy = "\ndeploy:\n  onnx: true\n";
        // A blend cannot be exported to ONNX: by default tune keeps the single winner, quietly.
        var defaults = Bind(TuneDiagnosticsTests.Tuned + deploy);
        Assert.DoesNotContain(defaults.Diagnostics, d => d.Id == "PG0227");
        Assert.False(defaults.Pipeline!.Tune!.Ensemble);
        Assert.True(Bind(TuneDiagnosticsTests.Tuned).Pipeline!.Tune!.Ensemble); // without deploy.onnx the default is on

        // Asked for explicitly, it is kept, and the build warns before train instead of the export failing after it.
        var yaml = TuneDiagnosticsTests.Tuned + "\n  ensemble: true\n" + deploy;
        var bound = Bind(yaml);
        var d = Single(bound.Diagnostics, "PG0227");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Contains("deploy.onnx", d.Message);
        AssertAt(d, yaml, "true", occurrence: 1);
        Assert.True(bound.Pipeline!.Tune!.Ensemble);
    }

    [Fact]
    public void A_multiclass_ensemble_binds_without_a_diagnostic()
    {
        var yaml = TuneDiagnosticsTests.Tuned.Replace("kind: binary", "kind: multiclass") + "\n  ensemble: true\n";
        var bound = Bind(yaml);
        Assert.DoesNotContain(bound.Diagnostics, d => d.Id == "PG0222");
    }

    [Fact]
    public void PG0223_outer_folds_without_nested_does_nothing_and_says_so()
    {
        var yaml = TuneDiagnosticsTests.Tuned + "\n  outer_folds: 4\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0223");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Contains("'tune.honest' is 'holdout'", d.Message);
        AssertAt(d, yaml, "4\n");
    }

    [Theory]
    [InlineData("honest: both", "PG0003")]
    [InlineData("ensemble: maybe", "PG0003")]
    [InlineData("outer_folds: 1", "PG0003")]
    public void Bad_values_are_located_schema_errors(string line, string id)
    {
        var yaml = TuneDiagnosticsTests.Tuned + "\n  " + line + "\n";
        var diagnostics = Bind(yaml).Diagnostics;
        Assert.Contains(diagnostics, d => d.Severity == Severity.Error && d.Span.StartLine == yaml.Split('\n').Length - 1);
        _ = id;
    }

    [Fact]
    public void A_lock_with_an_ensemble_binds_its_members_for_train()
    {
        var result = TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, EnsembleLock);
        Assert.Empty(result.Diagnostics);
        var members = result.Pipeline!.Lock!.Ensemble!.Value;
        Assert.Equal(2, members.Count);
        Assert.Equal(0.6, members[0].Weight);
        Assert.Equal(["leaves", "min_examples_per_leaf"], members[0].Names);
        Assert.Equal(["32", "5"], members[1].Values);
    }

    [Fact]
    public void PG0224_a_member_setting_the_space_no_longer_has()
    {
        var stale = EnsembleLock.Replace("    leaves: 32", "    num_leaves: 32");
        var d = Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, stale).Diagnostics, "PG0224");
        Assert.Equal(TuneDiagnosticsTests.LockPath, d.FilePath);
        Assert.Contains("member 2", d.Message);
        AssertAt(d, stale, "num_leaves");
        Assert.Null(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, stale).Pipeline?.Lock);
    }

    [Fact]
    public void PG0225_a_member_value_outside_the_space()
    {
        var stale = EnsembleLock.Replace("    leaves: 32", "    leaves: 128");
        var d = Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, stale).Diagnostics, "PG0225");
        Assert.Contains("outside the declared range (4 to 64)", d.Message);
        AssertAt(d, stale, "128");
    }

    [Fact]
    public void PG0226_an_unreadable_ensemble_block()
    {
        var broken = EnsembleLock.Replace("weight: 0.4", "weight: heavy");
        var d = Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, broken).Diagnostics, "PG0226");
        Assert.Contains("member 2", d.Message);
        AssertAt(d, broken, "heavy");
    }

    // What tune writes when the study's starting trial (the spec's own configuration) is a member: its values as built,
    // which need not be a point of the space (min_examples_per_leaf 10 is not one of the declared values 5, 20).
    public const string StartingMemberLock = EnsembleLock + """

            - trial: 1
              weight: 2
              from: spec
              params:
                leaves: 8
                min_examples_per_leaf: 10
        """;

    [Fact]
    public void A_member_from_the_starting_trial_binds_with_values_outside_the_space()
    {
        var result = TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, StartingMemberLock);
        Assert.Empty(result.Diagnostics);
        var members = result.Pipeline!.Lock!.Ensemble!.Value;
        Assert.Equal(3, members.Count);
        Assert.Equal(2, members[2].Weight);
        Assert.Equal(["leaves", "min_examples_per_leaf"], members[2].Names);
        Assert.Equal(["8", "10"], members[2].Values);
        // Without 'from' the same value is a proposal's, outside the space.
        var proposal = StartingMemberLock.Replace("      from: spec\n", "");
        Assert.Contains("outside the values declared for it (5, 20)", Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, proposal).Diagnostics, "PG0225").Message);
    }

    [Fact]
    public void A_member_from_the_starting_trial_that_won_sets_no_values()
    {
        // Trial 1 was the single winner: the lock pins its values above, so the member sets nothing over them.
        var won = StartingMemberLock.Replace("      params:\n        leaves: 8\n        min_examples_per_leaf: 10", "      params: {}");
        var result = TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, won);
        Assert.Empty(result.Diagnostics);
        var member = result.Pipeline!.Lock!.Ensemble!.Value[2];
        Assert.Equal(2, member.Weight);
        Assert.Empty(member.Names);
    }

    [Fact]
    public void PG0224_a_starting_member_setting_what_the_trainer_does_not_have()
    {
        var stale = StartingMemberLock.Replace("      leaves: 8", "      num_leaves: 8");
        var d = Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, stale).Diagnostics, "PG0224");
        Assert.Contains("member 3", d.Message);
        Assert.Contains("which trainer 'lightgbm' does not have", d.Message);
        AssertAt(d, stale, "num_leaves: 8");
    }

    [Fact]
    public void PG0225_a_starting_member_value_the_trainer_does_not_accept()
    {
        var stale = StartingMemberLock.Replace("      leaves: 8", "      leaves: -8");
        var d = Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, stale).Diagnostics, "PG0225");
        Assert.Contains("member 3 in the lock file pins leaves = -8, outside what trainer 'lightgbm' accepts", d.Message);
        AssertAt(d, stale, "-8");
    }

    [Fact]
    public void PG0226_a_starting_member_in_a_space_that_searches_preparation_or_an_unknown_origin()
    {
        var unknown = StartingMemberLock.Replace("from: spec", "from: elsewhere");
        var d = Single(TuneDiagnosticsTests.BindWithLock(TuneDiagnosticsTests.Tuned, unknown).Diagnostics, "PG0226");
        Assert.Contains("member 3: 'from'", d.Message);
        AssertAt(d, unknown, "elsewhere");
    }
}
