using PipelineGen.Spec;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// 'data.columns.NAME.missing_values': tokens that mean missing in one column only, bound onto that column (in addition to
/// data.missing_values); an empty, repeated or already global token is a warning at the token; an unknown column is PG0101.
/// </summary>
public class ColumnMissingValuesKeyTests
{
    private static string Spec(string column) => Minimal + "\n  columns:\n    " + column + "\n";

    [Fact]
    public void The_tokens_are_bound_onto_their_column_only()
    {
        var bound = Bind(Spec("age: { missing_values: [\"-1\", \"999\"] }"));

        Assert.Empty(bound.Diagnostics);
        var age = bound.Pipeline!.Columns.Single(c => c.Name == "age");
        Assert.Equal(new[] { "-1", "999" }, age.MissingTokens);
        Assert.All(bound.Pipeline.Columns.Where(c => c.Name != "age"), c => Assert.Empty(c.MissingTokens));
        Assert.DoesNotContain("-1", bound.Pipeline.MissingTokens); // the global list is unchanged
    }

    [Fact]
    public void Tokens_on_a_text_column_are_fine()
    {
        var bound = Bind(Spec("notes: { missing_values: [\"n/a\"] }"));

        Assert.Empty(bound.Diagnostics);
        Assert.Equal(new[] { "n/a" }, bound.Pipeline!.Columns.Single(c => c.Name == "notes").MissingTokens);
    }

    [Theory]
    [InlineData("age: { missing_values: [\"-1\", \"\"] }", "\"\"]", "an empty value is always read as missing")]
    [InlineData("age: { missing_values: [\"-1\", \"-1\"] }", "\"-1\"]", "'-1' is listed twice")]
    [InlineData("age: { missing_values: [\"NA\"] }", "\"NA\"", "'NA' is already a missing token of every column")]
    public void An_empty_repeated_or_global_token_is_a_warning_at_the_token(string column, string at, string expected)
    {
        var yaml = Spec(column);
        var bound = Bind(yaml);
        var d = Single(bound.Diagnostics, "PG0003");

        Assert.Equal(Severity.Warning, d.Severity);
        AssertAt(d, yaml, at);
        Assert.Contains("data.columns.age.missing_values", d.Message);
        Assert.Contains(expected, d.Message);
        Assert.NotNull(bound.Pipeline); // a warning: the pipeline still binds, with the tokens that add something
        Assert.Equal(column.Contains("NA") ? Array.Empty<string>() : new[] { "-1" }, bound.Pipeline!.Columns.Single(c => c.Name == "age").MissingTokens);
    }

    [Fact]
    public void Tokens_on_a_column_the_data_lacks_are_PG0101_at_the_column()
    {
        var yaml = Spec("pdays: { missing_values: [\"-1\"] }");
        var d = Single(Bind(yaml).Diagnostics, "PG0101");

        AssertAt(d, yaml, "pdays:");
    }
}
