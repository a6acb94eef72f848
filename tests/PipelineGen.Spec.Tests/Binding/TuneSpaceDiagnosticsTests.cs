using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Data;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>The searched trainer (tune.trainers / the default space), tune.prepare, and lock files that pin them.</summary>
public partial class TuneDiagnosticsTests
{
    public const string MultiTrainer = Minimal + """

        model:
          trainer: lightgbm
          params:
            leaves: 8
        tune:
          strategy: bayesian
          trainers:
            lightgbm: { leaves: { min: 4, max: 128, scale: log }, learning_rate: { min: 0.01, max: 0.3, scale: log } }
            fast_forest: { trees: { min: 20, max: 300 } }
            sdca: { l2_regularization: { min: 1e-6, max: 1, scale: log } }
          prepare:
            normalize: [minmax, zscore]
            missing_indicators: [true, false]
            categorical_encoding: [onehot, hash]
            word_ngrams: [1, 2]
        """;

    public const string SdcaLock = """
        version: 1
        pipeline: 'Churn'
        trainer: 'sdca'
        params:
          l2_regularization: 0.001
        prepare:
          normalize: zscore
          categorical_encoding: hash
          missing_indicators: false
        study:
          id: 's2'
        """;

    [Fact]
    public void Searched_trainers_bind_to_branches_with_their_own_spaces_and_base_options()
    {
        var result = Bind(MultiTrainer);
        Assert.Empty(result.Diagnostics);
        var tune = result.Pipeline!.Tune!;
        Assert.True(tune.SearchesTrainer);
        Assert.Empty(tune.Space);
        Assert.Equal(["lightgbm", "fast_forest", "sdca"], tune.Trainers!.Value.Select(b => b.Name));
        var lightgbm = tune.Trainers!.Value[0];
        // model.trainer's branch starts from the spec's own params; another trainer from ML.NET's defaults with one thread.
        Assert.Contains(new OptionAssignment("NumberOfLeaves", "8"), lightgbm.Trainer.Options);
        Assert.Equal("none", lightgbm.Normalize);
        var sdca = tune.Trainers!.Value[2];
        Assert.Equal([new OptionAssignment("NumberOfThreads", "1")], sdca.Trainer.Options);
        Assert.Equal("minmax", sdca.Normalize);
        Assert.Equal(new BoundSearchParameter("l2_regularization", "float", 1e-6, 1, true, EquatableArray<double>.Empty), sdca.Space[0]);
        Assert.Equal(["normalize", "missing_indicators", "categorical_encoding", "word_ngrams"], tune.Prepare!.Value.Select(c => c.Name));
        Assert.Equal(["true", "false"], tune.Prepare!.Value[1].Values);
    }

    [Fact]
    public void Tune_without_space_or_trainers_searches_the_default_space_for_the_task()
    {
        var yaml = Minimal + "\ntune:\n  trials: 40\n";
        var result = Bind(yaml);
        Assert.Empty(result.Diagnostics);
        var tune = result.Pipeline!.Tune!;
        Assert.True(tune.DefaultSpace);
        Assert.Equal(DefaultSearchSpace.For(TaskKind.Binary).Select(d => d.Trainer), tune.Trainers!.Value.Select(b => b.Name));
        Assert.Contains("lightgbm", tune.Trainers!.Value.Select(b => b.Name));
        // Every default range is a valid range of its trainer (the catalog's bounds hold at both ends).
        foreach (var task in new[] { TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression })
            foreach (var (trainer, ranges) in DefaultSearchSpace.For(task))
                foreach (var r in ranges)
                {
                    var param = TrainerCatalog.Find(trainer)!.Param(r.Param);
                    Assert.True(param is not null, $"{trainer} has no {r.Param}");
                    Assert.True(param!.IsInRange(r.Min) && param.IsInRange(r.Max) && r.Min < r.Max && (!r.Log || r.Min > 0), $"{trainer}.{r.Param}");
                }
        Assert.Equal(["lightgbm", "fast_tree", "fast_forest", "sdca"], DefaultSearchSpace.For(TaskKind.Regression).Select(d => d.Trainer));
        // Every fixed value is a valid value of its trainer and is not also searched.
        foreach (var (trainer, ranges) in DefaultSearchSpace.For(TaskKind.Binary))
            foreach (var f in DefaultSearchSpace.FixedFor(trainer))
            {
                Assert.True(TrainerCatalog.Find(trainer)!.Param(f.Param)?.IsInRange(f.Value) == true, $"{trainer}.{f.Param}");
                Assert.DoesNotContain(f.Param, ranges.Select(r => r.Param));
            }
        Assert.NotEmpty(DefaultSearchSpace.FixedFor("fast_forest"));
    }

    [Fact]
    public void The_default_space_fixes_a_forests_tree_count_and_a_lock_that_pins_the_forest_keeps_it()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: lightgbm\ntune:\n  trials: 40\n";
        var forest = Bind(yaml).Pipeline!.Tune!.Trainers!.Value.Single(b => b.Name == "fast_forest");
        Assert.DoesNotContain("trees", forest.Space.Select(p => p.Name));
        Assert.Equal(["leaves", "min_examples_per_leaf", "feature_fraction"], forest.Space.Select(p => p.Name));
        Assert.Contains(new OptionAssignment("NumberOfTrees", "300"), forest.Trainer.Options);
        Assert.Contains(new OptionAssignment("NumberOfThreads", "1"), forest.Trainer.Options);

        // The lock of a forest that won builds the trainer the trials measured: its pinned values and the 300 trees.
        var pinned = BindWithLock(yaml, "version: 1\npipeline: 'Churn'\ntrainer: 'fast_forest'\nparams:\n  leaves: 16\n");
        Assert.Empty(pinned.Diagnostics);
        Assert.Equal("fast_forest", pinned.Pipeline!.Trainer!.Name);
        Assert.Contains(new OptionAssignment("NumberOfTrees", "300"), pinned.Pipeline.Trainer.Options);
        Assert.Contains(new OptionAssignment("NumberOfLeaves", "16"), pinned.Pipeline.Trainer.Options);

        // The spec's own forest keeps the spec's trees: its trial 1, its trials and its lock build one trainer.
        var own = Bind(Minimal + "\nmodel:\n  trainer: fast_forest\n  params:\n    trees: 50\ntune:\n  trials: 40\n").Pipeline!.Tune!.Trainers!.Value.Single(b => b.Name == "fast_forest");
        Assert.DoesNotContain("trees", own.Space.Select(p => p.Name));
        Assert.Contains(new OptionAssignment("NumberOfTrees", "50"), own.Trainer.Options);
        Assert.DoesNotContain(new OptionAssignment("NumberOfTrees", "300"), own.Trainer.Options);

        // A declared branch is the user's: nothing is fixed there.
        var declared = Bind(MultiTrainer).Pipeline!.Tune!.Trainers!.Value.Single(b => b.Name == "fast_forest");
        Assert.Contains("trees", declared.Space.Select(p => p.Name));
        Assert.DoesNotContain(declared.Trainer.Options, o => o.Property == "NumberOfTrees");
    }

    [Fact]
    public void The_default_space_starts_from_its_portfolio_and_a_declared_space_does_not()
    {
        // The forest of the portfolio, in the runtime's names: the branch's index and every parameter of the branch.
        var tune = Bind(Minimal + "\ntune:\n  trials: 40\n").Pipeline!.Tune!;
        var starting = Assert.Single(tune.Starting!.Value);
        int forest = tune.Trainers!.Value.Select(b => b.Name).ToList().IndexOf("fast_forest");
        Assert.Equal(["trainer", "fast_forest.leaves", "fast_forest.min_examples_per_leaf", "fast_forest.feature_fraction"], starting.Names);
        Assert.Equal([forest, 64, 1, 0.3], starting.Values);
        // Each entry of every task is a point of the default space: its trainer is a branch, it sets exactly the branch's
        // ranges, each value inside (one that is not would be left out silently, so the table is checked here).
        foreach (var task in new[] { TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression })
            foreach (var (trainer, values) in DefaultSearchSpace.StartingFor(task))
            {
                var ranges = DefaultSearchSpace.For(task).Single(d => d.Trainer == trainer).Ranges;
                Assert.Equal(ranges.Select(r => r.Param).OrderBy(n => n), values.Select(v => v.Param).OrderBy(n => n));
                Assert.All(values, v => Assert.InRange(v.Value, ranges.Single(r => r.Param == v.Param).Min, ranges.Single(r => r.Param == v.Param).Max));
            }

        // A declared trainer choice is the user's space: nothing is proposed for it.
        Assert.Empty(Bind(MultiTrainer).Pipeline!.Tune!.Starting ?? default);
    }

    [Fact]
    public void PG0215_unknown_trainer_in_the_search_space()
    {
        var yaml = MultiTrainer.Replace("    fast_forest:", "    fast_forrest:");
        var d = Single(Bind(yaml).Diagnostics, "PG0215");
        Assert.Contains("'fast_forrest'", d.Message);
        Assert.Contains("fast_forest", d.Message);
        AssertAt(d, yaml, "fast_forrest:");
    }

    [Fact]
    public void PG0216_searched_trainer_not_valid_for_the_task()
    {
        var yaml = MultiTrainer.Replace("    fast_forest:", "    naive_bayes: {}\n    fast_forest:");
        var d = Single(Bind(yaml).Diagnostics, "PG0216");
        Assert.Contains("'naive_bayes'", d.Message);
        Assert.Contains("binary", d.Message);
        AssertAt(d, yaml, "naive_bayes:");
    }

    [Fact]
    public void PG0217_unknown_parameter_for_that_trainer_inside_its_branch()
    {
        // 'trees' is fast_forest's, not sdca's: named in sdca's branch it is unknown there.
        var yaml = MultiTrainer.Replace("sdca: { l2_regularization:", "sdca: { trees: { min: 2, max: 9 }, l2_regularization:");
        var d = Single(Bind(yaml).Diagnostics, "PG0217");
        Assert.Contains("Trainer 'sdca'", d.Message);
        Assert.Contains("'trees'", d.Message);
        AssertAt(d, yaml, "trees: { min: 2,");
    }

    [Theory]
    [InlineData("{ min: 300, max: 20 }", "PG0206", "min 300 is not below max 20")]
    [InlineData("{ min: 0, max: 300, scale: log }", "PG0206", "a log scale needs min > 0")]
    [InlineData("{ min: 0, max: 300 }", "PG0204", "at least 1")]
    public void Ranges_inside_a_branch_are_checked_against_that_trainer(string range, string id, string expected)
    {
        var yaml = MultiTrainer.Replace("fast_forest: { trees: { min: 20, max: 300 } }", "fast_forest: { trees: " + range + " }");
        var d = Single(Bind(yaml).Diagnostics, id);
        Assert.Contains(expected, d.Message);
        AssertAt(d, yaml, range);
    }

    [Fact]
    public void PG0218_a_flat_space_beside_searched_trainers()
    {
        var yaml = MultiTrainer.Replace("  trainers:", "  space:\n    leaves: { min: 4, max: 8 }\n  trainers:");
        var d = Single(Bind(yaml).Diagnostics, "PG0218");
        AssertAt(d, yaml, "space:");
    }

    [Fact]
    public void PG0210_a_trainer_space_with_one_point_or_none()
    {
        var one = Minimal + "\ntune:\n  trainers:\n    sdca: {}\n";
        var d = Single(Bind(one).Diagnostics, "PG0210");
        Assert.Contains("has one point (trainer sdca)", d.Message);
        AssertAt(d, one, "sdca:");
        var none = Minimal + "\ntune:\n  trainers: {}\n";
        Assert.Contains("is empty", Single(Bind(none).Diagnostics, "PG0210").Message);
        // Two trainers with their defaults are two points: fine.
        Assert.DoesNotContain(Bind(Minimal + "\ntune:\n  trainers:\n    sdca: {}\n    lbfgs: {}\n").Diagnostics, x => x.Id == "PG0210");
    }

    [Fact]
    public void A_budget_of_zero_is_refused_with_searched_trainers_too()
    {
        var yaml = MultiTrainer.Replace("  strategy: bayesian", "  strategy: bayesian\n  trials: 0");
        AssertAt(Single(Bind(yaml).Diagnostics, "PG0003"), yaml, "0\n");
    }

    [Fact]
    public void A_preparation_value_that_is_not_one_of_its_values_is_refused_by_the_shape()
    {
        var yaml = MultiTrainer.Replace("[onehot, hash]", "[onehot, ordinal]");
        AssertAt(Single(Bind(yaml).Diagnostics, "PG0003"), yaml, "ordinal");
    }

    [Fact]
    public void PG0219_a_preparation_choice_that_changes_nothing_for_this_data_is_left_out()
    {
        // No text column and no numeric column with gaps: word_ngrams and missing_indicators do nothing.
        var schema = new InferredSchema(SpecPath, "/project/data.csv", 120, true, new InferredColumn[]
        {
            new("age", 0, "numeric", 0, 40, EquatableArray<string>.Empty),
            new("plan", 1, "categorical", 0, 2, new[] { "basic", "pro" }.ToEquatableArray()),
            new("churned", 2, "categorical", 0, 2, new[] { "no", "yes" }.ToEquatableArray()),
        }.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty);
        var result = Bind(MultiTrainer, schema);
        var found = result.Diagnostics.Where(d => d.Id == "PG0219").ToArray();
        Assert.Equal(2, found.Length);
        Assert.All(found, d => Assert.Equal(Severity.Warning, d.Severity));
        Assert.Contains(found, d => d.Message.Contains("'tune.prepare.missing_indicators'") && d.Message.Contains("no numeric feature has missing values"));
        Assert.Contains(found, d => d.Message.Contains("'tune.prepare.word_ngrams'") && d.Message.Contains("there is no text feature"));
        AssertAt(found.First(d => d.Message.Contains("word_ngrams")), MultiTrainer, "word_ngrams:");
        Assert.Equal(["normalize", "categorical_encoding"], result.Pipeline!.Tune!.Prepare!.Value.Select(c => c.Name));
    }

    [Fact]
    public void A_lock_pinning_a_searched_trainer_and_preparation_becomes_the_pipelines_constants()
    {
        var result = SpecBinder.Bind(Parse(MultiTrainer), ChurnSchema(), "MyApp", new LockFileInput(LockPath, SdcaLock));
        Assert.Empty(result.Diagnostics);
        var p = result.Pipeline!;
        Assert.Equal("sdca", p.Trainer.Name);
        Assert.Contains(new OptionAssignment("L2Regularization", "0.001f"), p.Trainer.Options);
        Assert.DoesNotContain(p.Trainer.Options, o => o.Property == "NumberOfLeaves");
        Assert.Equal("zscore", p.Preparation.Normalize);
        Assert.Equal("hash", p.Preparation.CategoricalEncoding);
        Assert.False(p.Preparation.MissingIndicators);
        Assert.Equal("sdca", p.Lock!.Trainer);
        Assert.Equal(3, p.Lock.Prepare!.Value.Count);
    }

    [Fact]
    public void PG0221_lock_trainer_no_longer_searched()
    {
        var lockText = SdcaLock.Replace("'sdca'", "'fast_tree'").Replace("l2_regularization: 0.001", "leaves: 16");
        var d = Single(BindWithLock(MultiTrainer, lockText).Diagnostics, "PG0221");
        Assert.Equal(LockPath, d.FilePath);
        Assert.Equal((3, 10), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("'fast_tree'", d.Message);
        Assert.Contains("lightgbm, fast_forest", d.Message.Replace("'", ""));
    }

    [Fact]
    public void PG0213_and_PG0214_in_a_lock_are_checked_against_the_pinned_trainers_branch()
    {
        var unknown = Single(BindWithLock(MultiTrainer, SdcaLock.Replace("l2_regularization: 0.001", "leaves: 16")).Diagnostics, "PG0213");
        Assert.Contains("trainer 'sdca' does not have", unknown.Message);
        var outside = Single(BindWithLock(MultiTrainer, SdcaLock.Replace("l2_regularization: 0.001", "l2_regularization: 5")).Diagnostics, "PG0214");
        Assert.Contains("tune.trainers.sdca.l2_regularization", outside.Message);
    }

    [Theory]
    [InlineData("  normalize: zscore", "  scaling: zscore", "searches no such preparation setting", 7, 3)]
    [InlineData("  normalize: zscore", "  normalize: robust", "not one of its values", 7, 14)]
    [InlineData("  word_ngrams: 2", "  word_ngrams: 3", "tune.prepare.word_ngrams now lists", 10, 16)]
    public void PG0220_lock_pins_an_invalid_preparation_choice(string from, string to, string expected, int line, int column)
    {
        var lockText = SdcaLock.Replace("  missing_indicators: false", "  missing_indicators: false\n  word_ngrams: 2").Replace(from, to);
        var d = Single(BindWithLock(MultiTrainer, lockText).Diagnostics, "PG0220");
        Assert.Contains(expected, d.Message);
        Assert.Equal((line, column), (d.Span.StartLine, d.Span.StartColumn));
    }

    [Fact]
    public void PG0220_lock_pins_preparation_the_spec_no_longer_searches()
    {
        var yaml = MultiTrainer.Replace("    normalize: [minmax, zscore]\n", "");
        var d = Single(BindWithLock(yaml, SdcaLock).Diagnostics, "PG0220");
        Assert.Contains("tune.prepare no longer searches normalize", d.Message);
    }
}
