using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// 'data.columns.NAME.format' (issue #17): a datetime column's date format, bound onto the column the generator emits;
/// on a column that is not datetime it is PG0141, and a format that cannot read dates back is PG0142, both at the value.
/// </summary>
public class DateFormatKeyTests
{
    private static InferredSchema WithDates() => ChurnSchema(new InferredColumn("joined", 5, "categorical", 0, 90, EquatableArray<string>.Empty));

    private static string Spec(string column) => Minimal + "\n  columns:\n    " + column + "\n";

    [Fact]
    public void A_format_on_a_datetime_column_is_bound_onto_the_column()
    {
        var bound = Bind(Spec("joined: { type: datetime, format: dd/MM/yyyy }"), WithDates());

        Assert.DoesNotContain(bound.Diagnostics, d => d.Severity == Severity.Error);
        var joined = bound.Pipeline!.Columns.Single(c => c.Name == "joined");
        Assert.Equal(("datetime", "dd/MM/yyyy"), (joined.Kind, joined.DateFormat));
        Assert.All(bound.Pipeline.Columns.Where(c => c.Name != "joined"), c => Assert.Null(c.DateFormat));
    }

    [Theory]
    [InlineData("age: { format: dd/MM/yyyy }", "dd/MM/yyyy", "'age' is numeric")]
    [InlineData("joined: { format: \"dd.MM.yyyy\" }", "\"dd.MM.yyyy\"", "'joined' is categorical (inferred or declared). Declare 'type: datetime'")]
    [InlineData("joined: { type: text, format: yyyyMMdd }", "yyyyMMdd", "'joined' is text")]
    public void A_format_on_a_column_that_is_not_datetime_is_PG0141_at_the_value(string column, string at, string expected)
    {
        var yaml = Spec(column);
        var d = Single(Bind(yaml, WithDates()).Diagnostics, "PG0141");

        Assert.Equal(Severity.Error, d.Severity);
        AssertAt(d, yaml, at);
        Assert.Contains(expected, d.Message);
    }

    [Theory]
    [InlineData("dd/MM", "it does not read back the date it writes (24 March 2019 is written '24/03'): it loses the year (y)")]
    [InlineData("d", "'d' alone is a standard format")]
    [InlineData("\"\"", "it is empty")]
    [InlineData("HH:mm", "it loses the day (d) and the month (M) and the year (y)")]
    [InlineData("dd/MM/yyyy%", "it cannot write a date")]
    public void A_format_that_cannot_read_dates_back_is_PG0142_at_the_value(string format, string reason)
    {
        var yaml = Spec($"joined: {{ type: datetime, format: {format} }}");
        var d = Single(Bind(yaml, WithDates()).Diagnostics, "PG0142");

        Assert.Equal(Severity.Error, d.Severity);
        var (line, column) = PositionOf(yaml, "format: " + format);
        Assert.Equal((line, column + "format: ".Length), (d.Span.StartLine, d.Span.StartColumn)); // at the value
        Assert.Contains(reason, d.Message);
        Assert.Contains("Write a .NET custom date and time format such as 'dd/MM/yyyy'", d.Message);
    }

    [Theory]
    [InlineData("dd/MM/yyyy")]
    [InlineData("dd.MM.yyyy HH:mm")]
    [InlineData("yyyyMMdd")]
    [InlineData("d MMM yyyy")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ssK")]
    public void Usual_formats_are_accepted(string format) => Assert.Null(DateFormats.Problem(format));
}
