using PipelineGen.Spec;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>Diagnostics found from the spec text alone, each at the offending YAML node.</summary>
public class ParserDiagnosticsTests
{
    [Fact]
    public void Minimal_spec_parses_without_diagnostics_and_applies_defaults()
    {
        var parsed = Parse(Minimal);
        Assert.Empty(parsed.Diagnostics);
        var spec = parsed.Spec!;
        Assert.Equal("Churn", spec.Name.Value);
        Assert.Equal(',', spec.Data.Separator);
        Assert.True(spec.Data.Header);
        Assert.Equal("kfold", spec.Evaluate.Protocol);
        Assert.Equal(5, spec.Evaluate.Folds);
        Assert.Equal("lightgbm", spec.Model.Trainer.Value);
        Assert.Equal(new[] { "", "?", "NA", "NaN", "null" }, spec.Data.MissingValues);
    }

    [Fact]
    public void Names_of_a_headerless_file_are_read_in_order()
    {
        var parsed = Parse(Minimal + "\n  header: false\n  names: [age, plan, churned]\n");
        Assert.Empty(parsed.Diagnostics);
        Assert.Equal(new[] { "age", "plan", "churned" }, parsed.Spec!.Data.Names!.Value.Select(n => n.Value));
    }

    [Fact]
    public void PG0150_names_without_header_false_is_located_at_the_key()
    {
        var d = Single(Parse(Minimal + "\n  names: [age, plan, churned]\n").Diagnostics, "PG0150");
        Assert.Equal((8, 3), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("header: false", d.Message);
    }

    [Fact]
    public void PG0151_a_name_given_twice_is_located_at_the_second()
    {
        var d = Single(Parse(Minimal + "\n  header: false\n  names: [age, plan, age]\n").Diagnostics, "PG0151");
        Assert.Equal((9, 22), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("'age' is given twice", d.Message);
        Assert.Contains("first as column 1", d.Message);
    }

    [Theory]
    [InlineData("\"  \"", "blank")]
    [InlineData("\"--\"", "no letter or digit")]
    public void PG0152_an_unusable_name_is_located(string name, string reason)
    {
        var d = Single(Parse(Minimal + $"\n  header: false\n  names: [age, {name}]\n").Diagnostics, "PG0152");
        Assert.Equal((9, 16), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains(reason, d.Message);
    }

    [Fact]
    public void PG0001_yaml_syntax_error_is_located()
    {
        var yaml = "version: 1\nname: Churn\ntask:\n  kind: binary\n   label: churned\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0001");
        Assert.Equal(5, d.Span.StartLine);
        Assert.Contains("not valid YAML", d.Message);
    }

    [Fact]
    public void PG0001_unclosed_quote()
    {
        var yaml = "version: 1\nname: \"Churn\ntask: {}\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0001");
        Assert.True(d.Span.StartLine >= 2);
    }

    [Fact]
    public void PG0002_unknown_key_suggests_the_closest()
    {
        var yaml = Minimal + "\nevaluate:\n  protocl: kfold\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0002");
        AssertAt(d, yaml, "protocl");
        Assert.Contains("Did you mean 'protocol'?", d.Message);
        Assert.Contains("evaluate", d.Message);
    }

    [Fact]
    public void PG0002_unknown_top_level_key()
    {
        var yaml = Minimal + "\nmodle:\n  trainer: sdca\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0002");
        AssertAt(d, yaml, "modle");
        Assert.Contains("Did you mean 'model'?", d.Message);
    }

    [Fact]
    public void PG0003_wrong_value_type()
    {
        var yaml = Minimal + "\nevaluate:\n  folds: five\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, "five");
        Assert.Contains("whole number", d.Message);
    }

    [Fact]
    public void PG0003_value_not_allowed_suggests_the_closest()
    {
        var yaml = Minimal.Replace("kind: binary", "kind: binnary");
        var d = Single(Parse(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, "binnary");
        Assert.Contains("Did you mean 'binary'?", d.Message);
    }

    [Fact]
    public void PG0003_number_out_of_declared_range()
    {
        var yaml = Minimal + "\nevaluate:\n  folds: 1\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0003");
        Assert.Contains("at least 2", d.Message);
    }

    [Fact]
    public void PG0003_mapping_where_a_value_is_expected()
    {
        var yaml = Minimal.Replace("label: churned", "label: { name: churned }");
        var d = Single(Parse(yaml).Diagnostics, "PG0003");
        AssertAt(d, yaml, "{ name");
    }

    [Fact]
    public void PG0003_separator_must_be_one_character()
    {
        var yaml = Minimal + "\n  separator: ';;'\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0003");
        Assert.Contains("one character", d.Message);
    }

    [Fact]
    public void PG0004_missing_required_key_names_the_section()
    {
        var yaml = Minimal.Replace("  label: churned\n", "");
        var d = Single(Parse(yaml).Diagnostics, "PG0004");
        Assert.Contains("'label'", d.Message);
        Assert.Contains("'task'", d.Message);
        AssertAt(d, yaml, "kind: binary");
    }

    [Fact]
    public void PG0004_empty_file()
    {
        var d = Single(Parse("").Diagnostics, "PG0004");
        Assert.Equal(1, d.Span.StartLine);
    }

    [Fact]
    public void PG0005_unsupported_version_is_reported_alone()
    {
        var yaml = Minimal.Replace("version: 1", "version: 2") + "\nbogus: 1\n";
        var parsed = Parse(yaml);
        var d = Assert.Single(parsed.Diagnostics);
        Assert.Equal("PG0005", d.Id);
        AssertAt(d, yaml, "2");
    }

    [Fact]
    public void PG0007_name_must_be_an_identifier()
    {
        var yaml = Minimal.Replace("name: Churn", "name: churn-model");
        var d = Single(Parse(yaml).Diagnostics, "PG0007");
        AssertAt(d, yaml, "churn-model");
    }

    [Fact]
    public void PG0008_duplicate_key()
    {
        var yaml = Minimal + "\nmetric: auc\nmetric: f1\n";
        var d = Single(Parse(yaml).Diagnostics, "PG0008");
        AssertAt(d, yaml, "metric", 2);
        Assert.Contains("the top level", d.Message);
    }

    [Fact]
    public void Every_error_is_reported_in_one_pass()
    {
        var yaml = Minimal + "\nevaluate:\n  folds: x\n  protocl: kfold\nmodle: {}\n";
        var ids = Parse(yaml).Diagnostics.Select(d => d.Id).ToList();
        Assert.Equal(new[] { "PG0002", "PG0002", "PG0003" }, ids.OrderBy(i => i));
    }

    [Fact]
    public void Comment_edits_do_not_change_the_content_hash_but_value_edits_do()
    {
        var a = Parse(Minimal);
        var b = Parse("# a comment\n" + Minimal + "\n# trailing\n");
        var c = Parse(Minimal.Replace("churned", "churn"));
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
        Assert.Equal(64, a.ContentHash.Length);
    }

    [Fact]
    public void Parsed_specs_are_equatable()
    {
        Assert.Equal(Parse(Minimal), Parse(Minimal));
        Assert.Equal(Parse(Minimal).GetHashCode(), Parse(Minimal).GetHashCode());
        Assert.NotEqual(Parse(Minimal), Parse(Minimal.Replace("Churn", "Churn2")));
    }

    [Fact]
    public void Full_spec_parses_every_section()
    {
        var yaml = """
            # yaml-language-server: $schema=../schemas/pipeline.schema.json
            version: 1
            name: Churn
            task: { kind: binary, label: churned, positive_class: "yes" }
            data:
              train: data/train.tsv
              test: data/test.tsv
              header: true
              missing_values: ["", "?"]
              bad_rows: skip
              columns:
                customer_id: { role: id }
                age: { type: numeric, missing: median }
            metric: pr_auc
            prepare:
              normalize: zscore
              missing_indicators: true
              categorical_encoding: hash
              hash_bits: 12
              text: { word_ngrams: 1, char_ngrams: 0 }
              augment: { blank_columns: [plan], fraction: 0.25 }
            evaluate: { protocol: repeated_kfold, folds: 3, repeats: 2, stratify: false, seed: 7 }
            baseline: { strategy: prior }
            model:
              trainer: fast_tree
              params: { trees: 50, leaves: 8, learning_rate: 0.1 }
            tune:
              strategy: random
              trials: 10
              space:
                leaves: { min: 4, max: 64, scale: log }
                trees: { values: [50, 100] }
            deploy: { rest: { port: 5080 }, onnx: true }
            """;
        var parsed = Parse(yaml);
        Assert.Empty(parsed.Diagnostics);
        var spec = parsed.Spec!;
        Assert.Equal('\t', spec.Data.Separator);
        Assert.Equal("yes", spec.Task.PositiveClass!.Value.Value);
        Assert.Equal("skip", spec.Data.BadRows);
        Assert.Equal(2, spec.Data.Columns.Count);
        Assert.Equal("median", spec.Data.Columns[1].Missing!.Value.Value);
        Assert.Equal("pr_auc", spec.Metric!.Value.Value);
        Assert.Equal(12, spec.Prepare.HashBits);
        Assert.Equal(0, spec.Prepare.CharNgrams);
        Assert.Equal(0.25, spec.Prepare.Augment!.Fraction);
        Assert.Equal(("repeated_kfold", 3, 2, false, 7), (spec.Evaluate.Protocol, spec.Evaluate.Folds, spec.Evaluate.Repeats, spec.Evaluate.Stratify, spec.Evaluate.Seed));
        Assert.Equal("prior", spec.Baseline.Value);
        Assert.Equal(3, spec.Model.Params.Count);
        Assert.Equal(2, spec.Tune!.Space.Count);
        Assert.Equal(new[] { "50", "100" }, spec.Tune.Space[1].Values);
        Assert.Equal(5080, spec.Deploy.RestPort);
        Assert.True(spec.Deploy.Onnx);
    }
}
