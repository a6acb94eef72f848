using System.Text;
using PipelineGen.Tool.Inference;
using Xunit;

namespace PipelineGen.Tool.Tests;

public class SamplingTests
{
    private static string GenerateRows(int rows, int badRowAt)
    {
        var sb = new StringBuilder("x,label\n");
        for (var i = 1; i <= rows; i++)
            sb.Append(i == badRowAt ? "ragged\n" : $"{i},{(i % 2 == 0 ? "a" : "b")}\n");
        return sb.ToString();
    }

    [Fact]
    public void Reads_only_the_first_rows_of_a_large_file()
    {
        using var project = new TempProject();
        // The ragged row sits after the row limit: the tool must never see it.
        project.Write("data.csv", GenerateRows(rows: 6000, badRowAt: 5500));
        var schema = project.Infer(project.WriteSpec());
        Assert.Empty(schema.Diagnostics);
        Assert.Equal(SampleLimits.Default.MaxRows, schema.RowsSampled);
        Assert.False(schema.SampleIsComplete);
    }

    [Fact]
    public void A_ragged_row_inside_the_sample_is_reported()
    {
        using var project = new TempProject();
        project.Write("data.csv", GenerateRows(rows: 6000, badRowAt: 4000));
        var schema = project.Infer(project.WriteSpec());
        var d = Assert.Single(schema.Diagnostics);
        Assert.Equal("PG0303", d.Id);
        Assert.Equal(4001, d.Span.StartLine); // +1 for the header line
    }

    [Fact]
    public void The_character_budget_also_bounds_the_sample()
    {
        using var project = new TempProject();
        project.Write("data.csv", GenerateRows(rows: 1000, badRowAt: 900));
        var schema = project.Infer(project.WriteSpec(), new SampleLimits(MaxRows: 5000, MaxCharacters: 1000));
        Assert.Empty(schema.Diagnostics);
        Assert.InRange(schema.RowsSampled, 100, 200);
        Assert.False(schema.SampleIsComplete);
    }

    [Fact]
    public void A_file_that_ends_exactly_at_the_limit_is_complete()
    {
        using var project = new TempProject();
        project.Write("data.csv", GenerateRows(rows: 50, badRowAt: -1));
        var schema = project.Infer(project.WriteSpec(), new SampleLimits(MaxRows: 50));
        Assert.Equal(50, schema.RowsSampled);
        Assert.True(schema.SampleIsComplete);
    }
}
