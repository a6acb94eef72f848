using PipelineGen.Spec;
using PipelineGen.Spec.Catalog;
using PipelineGen.Spec.Data;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>Diagnostics that need the data's schema or the trainer catalog, each located at the YAML node to fix.</summary>
public class BinderDiagnosticsTests
{
    [Fact]
    public void Minimal_spec_binds_with_inferred_roles_and_positive_class()
    {
        var result = Bind(Minimal);
        Assert.Empty(result.Diagnostics);
        var p = result.Pipeline!;
        Assert.Equal(TaskKind.Binary, p.Task);
        Assert.Equal("yes", p.PositiveClass);
        Assert.Equal(new[] { "CustomerId", "Age", "Plan", "Notes", "Churned" }, p.Columns.Select(c => c.PropertyName));
        Assert.Equal(new[] { "feature", "feature", "feature", "feature", "label" }, p.Columns.Select(c => c.Role));
        Assert.Equal("mean", p.Columns[1].Missing);
        Assert.Equal("none", p.Preparation.Normalize); // trees: no scaling
        Assert.Contains(p.Trainer.Options, o => o.Property == "NumberOfThreads" && o.Literal == "1");
    }

    [Fact]
    public void PG0101_unknown_column_in_overrides_suggests_the_closest()
    {
        var yaml = Minimal + "\n  columns:\n    agee: { type: numeric }\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0101");
        AssertAt(d, yaml, "agee");
        Assert.Contains("Did you mean 'age'?", d.Message);
        Assert.Contains("'customer_id'", d.Message);
    }

    [Fact]
    public void PG0101_unknown_column_in_feature_list()
    {
        var yaml = Minimal + "\n  features: [age, plann]\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0101");
        AssertAt(d, yaml, "plann");
    }

    [Fact]
    public void PG0102_label_not_in_data()
    {
        var yaml = Minimal.Replace("label: churned", "label: churn");
        var d = Single(Bind(yaml).Diagnostics, "PG0102");
        AssertAt(d, yaml, "churn");
        Assert.Contains("Did you mean 'churned'?", d.Message);
    }

    [Fact]
    public void PG0103_label_listed_as_feature()
    {
        var yaml = Minimal + "\n  features: [age, churned]\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0103");
        AssertAt(d, yaml, "churned", 2);
    }

    [Fact]
    public void PG0103_label_given_the_feature_role()
    {
        var yaml = Minimal + "\n  columns:\n    churned: { role: feature }\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0103");
        AssertAt(d, yaml, "feature");
    }

    [Fact]
    public void PG0104_id_column_listed_as_feature()
    {
        var yaml = Minimal + "\n  features: [customer_id, age]\n  columns:\n    customer_id: { role: id }\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0104");
        AssertAt(d, yaml, "customer_id");
        Assert.Contains("'id'", d.Message);
    }

    [Fact]
    public void PG0105_positive_class_absent_lists_the_values()
    {
        var yaml = Minimal.Replace("label: churned", "label: churned\n  positive_class: Yes");
        var d = Single(Bind(yaml).Diagnostics, "PG0105");
        AssertAt(d, yaml, "Yes");
        Assert.Contains("'no', 'yes'", d.Message);
    }

    [Fact]
    public void PG0106_positive_class_needed_when_it_cannot_be_guessed()
    {
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctValues = new[] { "stayed", "left" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var d = Single(Bind(Minimal, schema).Diagnostics, "PG0106");
        AssertAt(d, Minimal, "churned");
        Assert.Contains("positive_class", d.Message);
    }

    [Fact]
    public void PG0107_binary_task_on_a_many_valued_label()
    {
        var yaml = Minimal.Replace("label: churned", "label: plan").Replace("kind: binary", "kind: regression");
        var d = Single(Bind(yaml).Diagnostics, "PG0107");
        Assert.Contains("numeric", d.Message);
    }

    [Fact]
    public void PG0107_one_class_spelled_several_ways_is_not_sent_to_multiclass()
    {
        // "yes"/"Yes"/"YES": one class typed three ways; 'kind: multiclass' would learn three classes from it.
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = 4, DistinctValues = new[] { "YES", "Yes", "no", "yes" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var d = Single(Bind(Minimal, schema).Diagnostics, "PG0107");
        Assert.Contains("'YES', 'Yes', 'yes' differ only in letter case or spaces", d.Message);
        Assert.Contains("write each class one way in the data", d.Message);
        Assert.DoesNotContain("(use 'kind: multiclass')", d.Message);
        // Three honest classes keep the multiclass advice.
        var plans = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = 3, DistinctValues = new[] { "basic", "pro", "team" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        Assert.Contains("(use 'kind: multiclass')", Single(Bind(Minimal, plans).Diagnostics, "PG0107").Message);
    }

    [Fact]
    public void PG0107_a_few_stray_values_beside_two_full_classes_ask_to_fix_those_rows_not_for_multiclass()
    {
        // A '2' in three rows of a 0/1 label (549 and 342 rows): a typo or a stray code, not a third class.
        InferredSchema WithCounts(int[] counts, bool complete = true) => ChurnSchema() with
        {
            SampleIsComplete = complete,
            RowsSampled = counts.Sum(),
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned"
                ? c with { DistinctCount = 3, DistinctValues = new[] { "no", "typo", "yes" }.ToEquatableArray(), ValueCounts = counts.ToEquatableArray(), ValueLines = new[] { 2, 48, 3 }.ToEquatableArray() }
                : c).ToEquatableArray(),
        };
        var d = Single(Bind(Minimal, WithCounts([549, 3, 342])).Diagnostics, "PG0107");
        AssertAt(d, Minimal, "churned");
        Assert.Contains("Value 'typo' (3 rows, first at data line 48 of data.csv) is in only a handful of rows beside 'no' (549 rows) and 'yes' (342 rows)", d.Message);
        Assert.Contains("Correct or remove those rows of data.csv", d.Message);
        Assert.DoesNotContain("(use 'kind: multiclass')", d.Message);
        Assert.DoesNotContain("counted in the first", d.Message);
        // Counted in a bounded sample: said so.
        Assert.Contains("(counted in the first 894 rows, the part of the file the build reads; there may be more further on)",
            Single(Bind(Minimal, WithCounts([549, 3, 342], complete: false)).Diagnostics, "PG0107").Message);
        // Not rare (explore's thresholds: at most 5 rows and 1 %, beside classes of 30+): a third class, multiclass advice.
        foreach (var counts in new[] { new[] { 549, 6, 342 }, new[] { 400, 3, 29 }, new[] { 100, 3, 100 } })
            Assert.Contains("(use 'kind: multiclass')", Single(Bind(Minimal, WithCounts(counts)).Diagnostics, "PG0107").Message);
        // A schema file without counts (written before they were recorded): the old advice, no invented numbers.
        Assert.Contains("(use 'kind: multiclass')", Single(Bind(Minimal, WithCounts([549, 3, 342]) with
        {
            Columns = WithCounts([549, 3, 342]).Columns.Select(c => c with { ValueCounts = EquatableArray<int>.Empty, ValueLines = EquatableArray<int>.Empty }).ToEquatableArray(),
        }).Diagnostics, "PG0107").Message);
    }

    [Fact]
    public void PG0111_a_multiclass_label_with_a_class_in_a_handful_of_rows_warns_without_failing_the_build()
    {
        // 'Adelei' twice among 344 penguins beside three real species: a typo more often than a class.
        var yaml = Minimal.Replace("kind: binary", "kind: multiclass");
        InferredSchema WithCounts(int[] counts, bool complete = true) => ChurnSchema() with
        {
            SampleIsComplete = complete,
            RowsSampled = counts.Sum(),
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned"
                ? c with { DistinctCount = 4, DistinctValues = new[] { "Adelei", "Adelie", "Chinstrap", "Gentoo" }.ToEquatableArray(), ValueCounts = counts.ToEquatableArray(), ValueLines = new[] { 120, 2, 150, 40 }.ToEquatableArray() }
                : c).ToEquatableArray(),
        };
        var bound = Bind(yaml, WithCounts([2, 150, 68, 124]));
        var d = Single(bound.Diagnostics, "PG0111");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.NotNull(bound.Pipeline); // a rare class can be real: the build goes on
        AssertAt(d, yaml, "churned");
        Assert.Contains("value 'Adelei' (2 rows, first at data line 120 of data.csv) is in only a handful of rows beside classes of 68 rows or more", d.Message);
        Assert.Contains("Correct the typo in data.csv (and the test file), write it as the class it means, or remove those rows", d.Message);
        Assert.DoesNotContain("counted in the first", d.Message);
        Assert.Contains("(counted in the first 344 rows, the part of the file the build reads", Single(Bind(yaml, WithCounts([2, 150, 68, 124], complete: false)).Diagnostics, "PG0111").Message);
        // Not rare by explore's thresholds (6 rows; or 3 rows beside a class of only 29): no warning.
        foreach (var counts in new[] { new[] { 6, 150, 68, 124 }, new[] { 3, 150, 29, 124 } })
            Assert.DoesNotContain(Bind(yaml, WithCounts(counts)).Diagnostics, x => x.Id == "PG0111");
        // A schema file without counts: nothing said, no invented numbers.
        Assert.DoesNotContain(Bind(yaml, WithCounts([2, 150, 68, 124]) with
        {
            Columns = WithCounts([2, 150, 68, 124]).Columns.Select(c => c with { ValueCounts = EquatableArray<int>.Empty, ValueLines = EquatableArray<int>.Empty }).ToEquatableArray(),
        }).Diagnostics, x => x.Id == "PG0111");
    }

    [Fact]
    public void A_numeric_binary_label_written_1_and_1_point_0_has_two_classes_not_four()
    {
        // Titanic's survived with every third value written "0.0"/"1.0": PG0107 said 4 values and suggested multiclass.
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { Type = "numeric", DistinctCount = 4, DistinctValues = new[] { "0", "0.0", "1", "1.0" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var result = Bind(Minimal, schema);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("1", result.Pipeline!.PositiveClass);
        Assert.Equal(new[] { "0", "1" }, result.Pipeline.LabelValues);
    }

    [Fact]
    public void PG0107_single_class_label()
    {
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { DistinctCount = 1, DistinctValues = new[] { "no" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        var d = Single(Bind(Minimal, schema).Diagnostics, "PG0107");
        Assert.Contains("two classes", d.Message);
    }

    [Fact]
    public void PG0109_no_features_left()
    {
        var yaml = Minimal + "\n  features: []\n";
        Single(Bind(yaml).Diagnostics, "PG0109");
    }

    [Fact]
    public void PG0110_second_label_role()
    {
        var yaml = Minimal + "\n  columns:\n    plan: { role: label }\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0110");
        AssertAt(d, yaml, "label }");
    }

    [Fact]
    public void PG0110_two_group_columns()
    {
        var yaml = Minimal + "\n  columns:\n    plan: { role: group }\n    customer_id: { role: group }\n";
        Single(Bind(yaml).Diagnostics, "PG0110");
    }

    [Fact]
    public void PG0201_unknown_trainer_suggests_the_closest()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: lightgmb\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0201");
        AssertAt(d, yaml, "lightgmb");
        Assert.Contains("Did you mean 'lightgbm'?", d.Message);
    }

    [Fact]
    public void PG0202_trainer_not_valid_for_the_task()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: naive_bayes\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0202");
        AssertAt(d, yaml, "naive_bayes");
        Assert.Contains("'sdca'", d.Message);
    }

    [Theory]
    [InlineData("storage")]
    [InlineData("password")]
    public void PG0230_a_tuning_storage_in_the_spec_is_refused_and_says_where_it_goes(string key)
    {
        var yaml = Minimal + "\ntune:\n  " + key + ": \"Host=db;Username=tuner;Password=secret\"\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0230");
        AssertAt(d, yaml, key + ":");
        Assert.Contains("'tune." + key + "' is not a spec key", d.Message);
        Assert.Contains("PIPELINEGEN_TUNE_STORAGE", d.Message);
        Assert.DoesNotContain("secret", d.Message);
        Assert.DoesNotContain(Bind(yaml).Diagnostics, x => x.Id == "PG0002");
    }

    [Fact]
    public void PG0203_unknown_hyperparameter_suggests_the_closest()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: lightgbm\n  params:\n    num_leaves: 31\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0203");
        AssertAt(d, yaml, "num_leaves");
        Assert.Contains("'leaves'", d.Message);
    }

    [Theory]
    [InlineData("leaves: 1", "at least 2")]
    [InlineData("learning_rate: 0", "greater than 0")]
    [InlineData("iterations: 2.5", "whole number")]
    [InlineData("threads: 0", "at least 1")]
    public void PG0204_hyperparameter_out_of_range(string setting, string expected)
    {
        var yaml = Minimal + "\nmodel:\n  trainer: lightgbm\n  params:\n    " + setting + "\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0204");
        Assert.Contains(expected, d.Message);
        var (line, column) = PositionOf(yaml, setting);
        Assert.Equal((line, column + setting.IndexOf(": ", StringComparison.Ordinal) + 2), (d.Span.StartLine, d.Span.StartColumn));
    }

    [Fact]
    public void PG0205_metric_not_valid_for_the_task()
    {
        var yaml = Minimal + "\nmetric: rmse\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0205");
        AssertAt(d, yaml, "rmse");
        Assert.Contains("'auc'", d.Message);
    }

    [Theory]
    [InlineData("{ min: 64, max: 4 }", "not below")]
    [InlineData("{ min: 8, max: 8 }", "not below")]
    [InlineData("{ values: [] }", "both 'min' and 'max'")]
    [InlineData("{ min: 0, max: 4, scale: log }", "log scale")]
    public void PG0206_empty_or_inverted_search_range(string range, string expected)
    {
        var yaml = Minimal + "\ntune:\n  space:\n    learning_rate: " + range + "\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0206");
        Assert.Contains(expected, d.Message);
        AssertAt(d, yaml, "{");
    }

    [Fact]
    public void Search_space_values_are_range_checked_as_PG0204()
    {
        var yaml = Minimal + "\ntune:\n  space:\n    leaves: { values: [1, 8] }\n";
        Single(Bind(yaml).Diagnostics, "PG0204");
    }

    [Fact]
    public void PG0207_repeats_without_repeated_kfold_is_a_warning()
    {
        var yaml = Minimal + "\nevaluate:\n  protocol: kfold\n  repeats: 3\n";
        var result = Bind(yaml);
        var d = Single(result.Diagnostics, "PG0207");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.NotNull(result.Pipeline);
    }

    [Fact]
    public void PG0305_no_schema_yet_is_a_warning_and_emits_nothing()
    {
        var result = SpecPipelineGen_BindWithoutSchema();
        var d = Single(result.Diagnostics, "PG0305");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Null(result.Pipeline);
    }

    private static Binding.BindResult SpecPipelineGen_BindWithoutSchema() => Binding.SpecBinder.Bind(Parse(Minimal), null, "MyApp");

    [Fact]
    public void Data_diagnostics_from_the_build_tool_are_passed_through()
    {
        var notFound = SpecDiagnostics.DataFileNotFound.Create(SpecPath, SourceSpan.At(7, 10), "data.csv", "/project/data.csv");
        var schema = new InferredSchema(SpecPath, "/project/data.csv", 0, true, EquatableArray<InferredColumn>.Empty, new[] { notFound }.ToEquatableArray());
        var result = Bind(Minimal, schema);
        Assert.Equal(notFound, Assert.Single(result.Diagnostics));
        Assert.Null(result.Pipeline);
    }

    [Fact]
    public void Wrong_missing_strategy_for_the_column_type()
    {
        var yaml = Minimal + "\n  columns:\n    plan: { missing: median }\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, "median");
    }

    [Fact]
    public void Augmenting_a_non_categorical_column_is_rejected()
    {
        var yaml = Minimal + "\nprepare:\n  augment: { blank_columns: [age] }\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0003");
        Assert.Contains("categorical", d.Message);
    }

    [Fact]
    public void Numeric_binary_label_defaults_to_one_as_positive()
    {
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { Type = "numeric", DistinctValues = new[] { "0", "1" }.ToEquatableArray() } : c).ToEquatableArray(),
        };
        Assert.Equal("1", Bind(Minimal, schema).Pipeline!.PositiveClass);
        var given = Bind(Minimal.Replace("label: churned", "label: churned\n  positive_class: 1.0"), schema);
        Assert.Equal("1", given.Pipeline!.PositiveClass);
    }

    [Fact]
    public void Linear_trainers_get_minmax_normalization_by_default()
    {
        var p = Bind(Minimal + "\nmodel: { trainer: sdca }\n").Pipeline!;
        Assert.Equal("minmax", p.Preparation.Normalize);
    }

    [Fact]
    public void Hyperparameters_become_typed_literals()
    {
        var p = Bind(Minimal + "\nmodel:\n  trainer: lightgbm\n  params: { leaves: 8, learning_rate: 0.05, threads: 2 }\n").Pipeline!;
        Assert.Equal(new[] { ("NumberOfLeaves", "8"), ("LearningRate", "0.05d"), ("NumberOfThreads", "2") },
            p.Trainer.Options.Select(o => (o.Property, o.Literal)));
        var sdca = Bind(Minimal + "\nmodel:\n  trainer: sdca\n  params: { l2_regularization: 0.1 }\n").Pipeline!;
        Assert.Contains(sdca.Trainer.Options, o => o.Literal == "0.1f");
    }

    [Fact]
    public void Column_names_become_unique_PascalCase_properties()
    {
        var schema = ChurnSchema(new InferredColumn("plan ", 5, "categorical", 0, 2, EquatableArray<string>.Empty),
                                 new InferredColumn("2nd value", 6, "numeric", 0, 2, EquatableArray<string>.Empty));
        var p = Bind(Minimal, schema).Pipeline!;
        Assert.Equal("Plan2", p.Columns[5].PropertyName);
        Assert.Equal("C2ndValue", p.Columns[6].PropertyName);
    }

    [Fact]
    public void Every_trainer_binds_for_every_task_it_declares()
    {
        foreach (var trainer in TrainerCatalog.All)
        foreach (var binding in trainer.Bindings)
        {
            var (kind, label) = binding.Task switch
            {
                TaskKind.Binary => ("binary", "churned"),
                TaskKind.Multiclass => ("multiclass", "plan"),
                _ => ("regression", "age"),
            };
            var yaml = Minimal.Replace("kind: binary", "kind: " + kind).Replace("label: churned", "label: " + label) + $"\nmodel: {{ trainer: {trainer.Name} }}\n";
            var result = Bind(yaml);
            Assert.True(result.Pipeline is not null, $"{trainer.Name}/{kind}: {string.Join(" | ", result.Diagnostics)}");
        }
    }
}
