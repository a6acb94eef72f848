using PipelineGen.Shared;
using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// Issue #17 in the build: numeric dates (03/04/2019) are read month-first without a declared format, so the build
/// checks a declared date column the way the run reads it and says which format to declare when the order is in doubt.
/// </summary>
public class DateOrderTests
{
    private static string[] Ids(InferredSchema schema) => schema.Diagnostics.Select(d => d.Id).ToArray();

    [Fact]
    public void A_declared_format_is_what_the_build_checks_values_against()
    {
        using var project = new TempProject();
        project.Write("data.csv", "when,label\n24/03/2019,x\n01/04/2019,y\n2019-04-02,x\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "columns:\n  when: { type: datetime, format: dd/MM/yyyy }"));

        var d = Assert.Single(schema.Diagnostics);
        Assert.Equal(("PG0108", 4), (d.Id, d.Span.StartLine));
        Assert.Contains("'2019-04-02'", d.Message);
    }

    [Fact]
    public void A_declared_date_column_is_checked_as_the_loader_reads_it_and_a_month_first_value_settles_the_order()
    {
        using var project = new TempProject();
        // 03/14/2019 reads only month-first: the loader reads the column so, and nothing is in doubt.
        project.Write("data.csv", "when,label\n03/04/2019,x\n03/14/2019,y\n");
        Assert.Empty(project.Infer(project.WriteSpec(dataExtra: "columns:\n  when: { type: datetime }")).Diagnostics);
    }

    [Theory]
    [InlineData("13/04/2019\n03/04/2019", "dd/MM/yyyy", "('13/04/2019' reads only day-first)")]
    [InlineData("03/04/2019\n04/13/2019", "MM/dd/yyyy", "(a sampled value reads only month-first)")]
    [InlineData("03.04.2019 10:15\n05.04.2019 11:00", "dd.MM.yyyy HH:mm", "no sampled value settles whether the day or the month comes first, so check the file: 'MM.dd.yyyy HH:mm' if it is month-first")]
    public void An_undeclared_column_of_numeric_dates_is_inferred_categorical_with_the_format_to_declare(string values, string format, string why)
    {
        using var project = new TempProject();
        project.Write("data.csv", "when,label\n" + string.Join("\n", values.Split('\n').Select((v, i) => $"{v},{(i % 2 == 0 ? "x" : "y")}")) + "\n");
        var schema = project.Infer(project.WriteSpec());

        Assert.Equal("categorical", schema.Find("when")!.Type);
        var d = Assert.Single(schema.Diagnostics);
        Assert.Equal(("PG0145", Severity.Warning), (d.Id, d.Severity));
        Assert.Contains($"declare 'when: {{ type: datetime, format: {format} }}' under data.columns", d.Message);
        Assert.Contains(why, d.Message);
    }

    [Theory]
    [InlineData("03/04/2019", "dd/MM/yyyy", "MM/dd/yyyy")]
    [InlineData("3.4.19", "d.M.yy", "M.d.yy")]
    [InlineData("03-04-2019T10:15:00", "dd-MM-yyyy'T'HH:mm:ss", "MM-dd-yyyy'T'HH:mm:ss")]
    [InlineData("03/04/2019 9:15", "dd/MM/yyyy H:mm", "MM/dd/yyyy H:mm")]
    public void The_proposed_formats_have_the_values_shape_and_read_it(string value, string dayFirst, string monthFirst)
    {
        Assert.Equal((dayFirst, monthFirst), (DateOrder.DayFirstFormat(value), DateOrder.MonthFirstFormat(value)));
        Assert.True(DataValues.IsDateTime(value, dayFirst));
        Assert.True(DataValues.IsDateTime(value, monthFirst));
    }

    [Theory]
    [InlineData("03/04/2019", true)]
    [InlineData(" 3.4.19 ", true)]
    [InlineData("03-04-2019T10:15", true)]
    [InlineData("03/04/2019 10:15", true)]
    [InlineData("2019-03-04", false)]
    [InlineData("03/04-2019", false)]
    [InlineData("03/04/201", false)]
    [InlineData("03/04/20190", false)]
    [InlineData("03/04/2019x", false)]
    [InlineData("123/04/2019", false)]
    [InlineData("1.5", false)]
    public void A_numeric_date_has_day_and_month_first_one_separator_twice_and_a_2_or_4_digit_year(string value, bool expected) =>
        Assert.Equal(expected, DateOrder.IsNumericDate(value));
}
