using System.Diagnostics;
using System.Text;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using PipelineGen.Spec.Yaml;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// Hostile specs from issue #9: each case feeds exactly the input that crashed, hung or was misreported, and checks the
/// located PG diagnostic that replaces it. Deep-nesting cases run on a thread with a small stack and a time bound, so a
/// regression fails the test instead of killing the test host with a stack overflow.
/// </summary>
public class HostileSpecTests
{
    private const int SmallStack = 256 * 1024;

    /// <summary>Parses on a 256 KB stack within <paramref name="seconds"/>; a stack overflow would end the process, so the stack is small on purpose.</summary>
    private static ParsedSpec ParseBounded(string yaml, int seconds = 10)
    {
        ParsedSpec? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = Parse(yaml); }
            catch (Exception ex) { error = ex; }
        }, SmallStack) { IsBackground = true };
        var watch = Stopwatch.StartNew();
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(seconds)), $"parsing took more than {seconds} s");
        Assert.Null(error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds));
        return result!;
    }

    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void PG0011_100k_nested_flow_brackets_are_rejected_at_the_bracket_past_the_limit(char open)
    {
        var prefix = "version: 1\nname: X\nmetric: ";
        var yaml = prefix + (open == '[' ? new string('[', 100_000) : string.Concat(Enumerable.Repeat("{a: ", 100_000)));
        var d = Assert.Single(ParseBounded(yaml).Diagnostics);
        Assert.Equal("PG0011", d.Id);
        Assert.Equal(3, d.Span.StartLine);
        // The 65th bracket is the first past the limit of 64.
        var step = open == '[' ? 1 : 4;
        Assert.Equal("metric: ".Length + 1 + YamlTreeParser.MaxDepth * step, d.Span.StartColumn);
    }

    [Fact]
    public void PG0011_closed_deep_brackets_too()
    {
        var yaml = "version: 1\nname: X\nmetric: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        Assert.Equal("PG0011", Assert.Single(ParseBounded(yaml).Diagnostics).Id);
    }

    [Fact]
    public void PG0011_100k_compact_block_sequences()
    {
        // "- - - - x": block nesting that needs no brackets, 2 bytes a level.
        var yaml = "version: 1\nname: X\nmetric:\n  " + string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n";
        var d = Assert.Single(ParseBounded(yaml).Diagnostics, x => x.Id == "PG0011");
        Assert.Equal(4, d.Span.StartLine);
    }

    [Fact]
    public void PG0011_block_indented_nesting_as_deep_as_fits_in_the_size_limit()
    {
        var sb = new StringBuilder("version: 1\nname: X\n");
        for (var i = 0; i < 1400; i++) sb.Append(' ', i).Append("a:\n");
        var d = Assert.Single(ParseBounded(sb.ToString()).Diagnostics, x => x.Id == "PG0011");
        // Line 3 is the root mapping's first value; the mapping on line 3 + 64 is the first one past the limit.
        Assert.Equal(3 + YamlTreeParser.MaxDepth, d.Span.StartLine);
    }

    [Fact]
    public void Brackets_inside_quotes_and_comments_do_not_count_as_nesting()
    {
        var yaml = Minimal + "\n# " + new string('[', 200) + "\nmetric: \"" + new string('{', 200) + "\"\n";
        var parsed = Parse(yaml);
        Assert.DoesNotContain(parsed.Diagnostics, d => d.Id == "PG0011");
    }

    [Fact]
    public void PG0010_spec_over_one_mebibyte_is_rejected_where_the_limit_is_crossed()
    {
        var yaml = Minimal + "\n# " + new string('x', YamlTreeParser.MaxDocumentBytes) + "\n";
        var d = Assert.Single(ParseBounded(yaml).Diagnostics);
        Assert.Equal("PG0010", d.Id);
        Assert.Equal(8, d.Span.StartLine);
        Assert.Equal(YamlTreeParser.MaxDocumentBytes - (Minimal.Length + 1) + 1, d.Span.StartColumn);
    }

    [Fact]
    public void A_spec_just_under_the_size_limit_parses()
    {
        var yaml = Minimal + "\n# " + new string('x', YamlTreeParser.MaxDocumentBytes - Minimal.Length - 10) + "\n";
        Assert.Empty(ParseBounded(yaml).Diagnostics);
    }

    [Fact]
    public void PG0013_tab_indentation_on_line_6_is_reported_at_the_tab()
    {
        var yaml = Minimal.Replace("  train: data.csv", "\ttrain: data.csv");
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal("PG0013", d.Id);
        Assert.Equal((7, 1), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("YAML does not allow tabs for indentation", d.Message);
        Assert.Contains("spaces", d.Message);
    }

    [Fact]
    public void PG0013_tab_after_spaces_on_line_4()
    {
        var yaml = Minimal.Replace("  kind: binary", "  \tkind: binary");
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal(("PG0013", 4, 3), (d.Id, d.Span.StartLine, d.Span.StartColumn));
    }

    [Fact]
    public void Tabs_inside_a_block_scalar_and_after_a_value_are_text_not_indentation()
    {
        var yaml = Minimal.Replace("name: Churn", "name: Churn\t# a comment after a tab") + "\nmetric: auc\t\n";
        Assert.Empty(Parse(yaml).Diagnostics);
    }

    [Fact]
    public void PG0014_non_breaking_space_indentation_on_line_6_is_reported_at_the_character()
    {
        var yaml = "version: 1\nname: Churn\ntask:\n  kind: binary\n  label: churned\n\u00A0\u00A0metric: auc\ndata:\n  train: data.csv\n";
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal(("PG0014", 6, 1), (d.Id, d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("non-breaking space (U+00A0)", d.Message);
    }

    [Fact]
    public void PG0014_non_breaking_space_after_a_colon()
    {
        var yaml = Minimal.Replace("train: data.csv", "train:\u00A0data.csv");
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal(("PG0014", 7, 9), (d.Id, d.Span.StartLine, d.Span.StartColumn));
    }

    [Fact]
    public void Non_breaking_space_inside_a_quoted_value_is_kept()
    {
        var yaml = Minimal.Replace("label: churned", "label: \"churned:\u00A0yes\"");
        var parsed = Parse(yaml);
        Assert.Empty(parsed.Diagnostics);
        Assert.Equal("churned:\u00A0yes", parsed.Spec!.Task.Label.Value);
    }

    [Fact]
    public void PG0012_NUL_is_located_and_suggests_utf8()
    {
        var yaml = Minimal.Replace("label: churned", "label: chur\0ned");
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal(("PG0012", 5, 14), (d.Id, d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("UTF-16", d.Message);
    }

    [Fact]
    public void PG0012_utf16_file_read_as_utf8_is_a_located_error_not_garbage()
    {
        var yaml = Encoding.UTF8.GetString(Encoding.Unicode.GetBytes(Minimal));
        var parsed = Parse(yaml);
        Assert.All(parsed.Diagnostics, d => Assert.Equal("PG0012", d.Id));
        Assert.Equal((1, 2), (parsed.Diagnostics[0].Span.StartLine, parsed.Diagnostics[0].Span.StartColumn));
        Assert.Null(parsed.Spec);
    }

    [Theory]
    [InlineData('\u0007')]
    [InlineData('\u001B')]
    [InlineData('\u007F')]
    [InlineData('\u0090')]
    [InlineData('\uFFFF')]
    [InlineData('\uD800')]
    public void PG0012_control_characters_are_located(char c)
    {
        var yaml = Minimal.Replace("label: churned", "label: churned" + c);
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal(("PG0012", 5, 17), (d.Id, d.Span.StartLine, d.Span.StartColumn));
    }

    [Fact]
    public void Escaped_control_character_in_a_double_quoted_value_is_allowed()
    {
        var parsed = Parse(Minimal.Replace("label: churned", "label: \"churned\\u0007\""));
        Assert.Empty(parsed.Diagnostics);
    }

    [Fact]
    public void Byte_order_mark_left_in_the_text_is_ignored()
    {
        var parsed = Parse("\uFEFF" + Minimal);
        Assert.Empty(parsed.Diagnostics);
        Assert.Equal("Churn", parsed.Spec!.Name.Value);
    }

    [Fact]
    public void Billion_laughs_is_not_expanded_and_its_diagnostics_are_capped()
    {
        var sb = new StringBuilder(Minimal).Append("\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
            sb.Append($"x{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        var watch = Stopwatch.StartNew();
        var parsed = ParseBounded(sb.ToString(), 5);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(parsed.Diagnostics.Count <= DiagnosticLimit.MaxPerSpec + 1);
        Assert.Contains(parsed.Diagnostics, d => d.Id == "PG0001" && d.Message.Contains("aliases"));
        Assert.Null(parsed.Spec);
    }

    [Fact]
    public void PG0015_100k_unknown_keys_give_a_bounded_list_fast()
    {
        var sb = new StringBuilder(Minimal).Append('\n');
        for (var i = 0; i < 100_000; i++) sb.Append('k').Append(i).Append(": 1\n");
        Assert.True(sb.Length < YamlTreeParser.MaxDocumentBytes);
        var watch = Stopwatch.StartNew();
        // Measured 3 s alone and up to 20 s beside other builds on a loaded 2-core machine; a quadratic regression takes minutes.
        var parsed = ParseBounded(sb.ToString(), 60);
        var elapsed = watch.Elapsed;
        Assert.Equal(DiagnosticLimit.MaxPerSpec + 1, parsed.Diagnostics.Count);
        Assert.All(parsed.Diagnostics.Take(DiagnosticLimit.MaxPerSpec), d => Assert.Equal("PG0002", d.Id));
        var last = parsed.Diagnostics.Last();
        Assert.Equal("PG0015", last.Id);
        Assert.Contains("99900 more", last.Message);
        Assert.Equal(8 + DiagnosticLimit.MaxPerSpec, last.Span.StartLine);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }

    [Fact]
    public void PG0010_the_issue_s_100k_long_unknown_keys_exceed_the_size_limit()
    {
        var sb = new StringBuilder(Minimal).Append('\n');
        for (var i = 0; i < 100_000; i++) sb.Append("unknown_key_").Append(i).Append(": 1\n");
        // 60 s, like the other 2 MB case above: the bound catches runaway (e.g. quadratic) parsing, not speed; alone it takes
        // about 1 s, but CI runs the test assemblies side by side and a 10 s wall-clock bound failed there (and under load).
        Assert.Equal("PG0010", Assert.Single(ParseBounded(sb.ToString(), 60).Diagnostics).Id);
    }

    [Fact]
    public void Cap_keeps_errors_before_warnings()
    {
        var many = Enumerable.Range(0, 150).Select(i => SpecDiagnostics.TypeOverrideMismatch.Create("/d.csv", SourceSpan.At(i + 2, 1), "a", "numeric", "x", i + 2))
            .Append(SpecDiagnostics.RaggedRow.Create("/d.csv", SourceSpan.At(500, 1), 3, 2)).ToList();
        var capped = DiagnosticLimit.Cap(many, "/d.csv");
        Assert.Equal("PG0303", capped[0].Id);
        Assert.Equal(("PG0015", Severity.Warning), (capped.Last().Id, capped.Last().Severity));
        Assert.Contains("51 more", capped.Last().Message);
    }

    [Fact]
    public void Huge_value_is_quoted_short()
    {
        var value = new string('k', 500_000);
        var d = Single(Parse(Minimal.Replace("kind: binary", "kind: " + value)).Diagnostics, "PG0003");
        Assert.True(d.Message.Length < 1000, $"message of {d.Message.Length} characters");
        Assert.Contains("500,000 characters", d.Message);
    }

    [Fact]
    public void PG0017_name_over_the_limit_is_located_and_short_in_the_message()
    {
        var name = "Churn" + new string('x', 1100);
        var yaml = Minimal.Replace("name: Churn", "name: " + name);
        var d = Assert.Single(Parse(yaml).Diagnostics);
        Assert.Equal("PG0017", d.Id);
        AssertAt(d, yaml, name);
        Assert.Contains("1105 characters", d.Message);
        Assert.True(d.Message.Length < 400);
    }

    [Fact]
    public void Name_of_exactly_the_limit_is_accepted()
    {
        Assert.Empty(Parse(Minimal.Replace("name: Churn", "name: C" + new string('x', SpecParser.MaxNameLength - 1))).Diagnostics);
    }

    [Fact]
    public void Schema_file_of_a_wide_data_file_over_one_mebibyte_still_reads()
    {
        var columns = Enumerable.Range(0, 20_000).Select(i => new InferredColumn($"feature_with_a_long_name_{i}", i, "numeric", 0, 100, EquatableArray<string>.Empty));
        var schema = ChurnSchema() with { Columns = ChurnSchema().Columns.Concat(columns).ToEquatableArray() };
        var text = SchemaFile.Write(schema);
        Assert.True(text.Length > YamlTreeParser.MaxDocumentBytes);
        var read = SchemaFile.Read(text);
        Assert.NotNull(read);
        Assert.Equal(schema.Columns.Count, read!.Columns.Count);
    }

    private static InferredSchema WithColumn(string name, string type = "categorical") =>
        ChurnSchema(new InferredColumn(name, 5, type, 0, 3, EquatableArray<string>.Empty)) with { DataPath = "/project/data.csv" };

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void PG0120_empty_column_name_is_reported_at_the_header(string name)
    {
        var result = Bind(Minimal, WithColumn(name));
        var d = Single(result.Diagnostics, "PG0120");
        Assert.Equal(("/project/data.csv", 1, 1), (d.FilePath, d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("Column 6 of the header of 'data.csv'", d.Message);
        Assert.Null(result.Pipeline);
    }

    [Fact]
    public void PG0121_column_name_over_1024_utf8_bytes()
    {
        var name = new string('é', 513); // 1,026 bytes in UTF-8, 513 characters
        var d = Single(Bind(Minimal, WithColumn(name)).Diagnostics, "PG0121");
        Assert.Contains("1026 bytes", d.Message);
    }

    [Fact]
    public void PG0121_is_located_where_the_spec_names_the_column()
    {
        var name = new string('q', 1100);
        // YAML limits a plain key to 1,024 characters, so the spec names it in the feature list.
        var yaml = Minimal + $"\n  features: [age, {name}]\n";
        var d = Single(Bind(yaml, WithColumn(name)).Diagnostics, "PG0121");
        AssertAt(d, yaml, name);
    }

    [Fact]
    public void Long_column_name_under_the_limit_binds_with_a_short_property_name()
    {
        var name = new string('w', 1000);
        var result = Bind(Minimal, WithColumn(name));
        Assert.Empty(result.Diagnostics);
        var column = result.Pipeline!.Columns.Single(c => c.Name == name);
        Assert.True(column.PropertyName.Length <= 100);
    }

    [Fact]
    public void PG0122_feature_named_Label_would_read_the_label()
    {
        var result = Bind(Minimal, WithColumn("Label", "numeric"));
        var d = Single(result.Diagnostics, "PG0122");
        Assert.Contains("'churned'", d.Message);
        Assert.Null(result.Pipeline);
    }

    [Fact]
    public void Column_named_Label_is_fine_as_the_label_or_when_ignored()
    {
        var schema = ChurnSchema() with
        {
            Columns = ChurnSchema().Columns.Select(c => c.Name == "churned" ? c with { Name = "Label" } : c).ToEquatableArray(),
        };
        Assert.Empty(Bind(Minimal.Replace("label: churned", "label: Label"), schema).Diagnostics);
        Assert.Empty(Bind(Minimal + "\n  columns:\n    Label: { role: ignore }\n", WithColumn("Label", "numeric")).Diagnostics);
    }

    [Fact]
    public void Column_named_like_a_working_column_gets_a_property_whose_working_column_does_not_clash()
    {
        // "age" → property Age → working column "__Age"; an input column named "__Age" must not be overwritten by it.
        var result = Bind(Minimal, WithColumn("__Age", "numeric"));
        Assert.Empty(result.Diagnostics);
        var columns = result.Pipeline!.Columns;
        var workingNames = columns.Select(c => "__" + c.PropertyName).ToHashSet();
        Assert.DoesNotContain("__Age", workingNames);
        Assert.Equal(columns.Count, columns.Select(c => c.PropertyName).Distinct().Count());
    }
}
