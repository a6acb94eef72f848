using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// At build time a quoted value spanning lines (RFC 4180) is one row with its value intact, numbered by its first line,
/// as the run reads it: no PG0308, the schema inferred from every row. reviews_multiline.csv (the runtime tests' file):
/// 17 rows on 23 lines; rows 2 (lines 3-4) and 7 (lines 10-12) have a multi-line review, row 5 (lines 7-8) a
/// multi-line product; row 17 (lines 22-23) repeats row 2.
/// </summary>
public class MultilineRecordTests
{
    private static string Reviews => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "reviews_multiline.csv"));

    [Fact]
    public void A_file_with_multiline_quoted_values_infers_its_schema_from_every_row_without_a_diagnostic()
    {
        using var project = new TempProject();
        project.Write("data.csv", Reviews);
        var schema = project.Infer(project.WriteSpec(label: "recommended", kind: "binary"));

        Assert.DoesNotContain(schema.Diagnostics, d => d.Id is "PG0303" or "PG0307" or "PG0308");
        Assert.Equal(17, schema.RowsSampled);
        Assert.True(schema.SampleIsComplete);
        Assert.Equal("numeric", schema.Find("rating")!.Type);
        var product = schema.Find("product")!;
        Assert.Contains("toaster\noven", product.DistinctValues);
        Assert.Equal(4, product.DistinctCount);
        // Each value's first line is the line its row starts on: 'blender' first on line 6, after the record on lines 3-4.
        Assert.Equal(6, product.ValueLines[product.DistinctValues.ToList().IndexOf("blender")]);
        Assert.Equal(7, product.ValueLines[product.DistinctValues.ToList().IndexOf("toaster\noven")]);
        Assert.Equal(new[] { "no", "yes" }, schema.Find("recommended")!.DistinctValues.OrderBy(v => v, StringComparer.Ordinal));
    }

    [Fact]
    public void A_bad_row_after_a_multiline_record_is_reported_at_its_own_line()
    {
        using var project = new TempProject();
        // Line 5, right after the record on lines 3-4, has a field too many.
        var lines = Reviews.Split('\n').ToList();
        lines.Insert(4, "3,kettle,Too,many,no");
        var data = project.Write("data.csv", string.Join('\n', lines));
        var schema = project.Infer(project.WriteSpec(label: "recommended", kind: "binary"));

        var ragged = Assert.Single(schema.Diagnostics, d => d.Id == "PG0303");
        Assert.Equal((data, 5), (ragged.FilePath, ragged.Span.StartLine));
        Assert.DoesNotContain(schema.Diagnostics, d => d.Id is "PG0307" or "PG0308");
    }

    [Fact]
    public void A_value_after_a_multiline_quoted_value_is_reported_where_it_starts_not_where_its_row_starts()
    {
        using var project = new TempProject();
        // The row on lines 3-4 ends '...one too.",maybe': 'maybe' is line 4, column 22, not line 3 (the row's first line).
        var lines = Reviews.Split('\n').ToList();
        lines[3] = lines[3].Replace("\",no", "\",maybe", StringComparison.Ordinal);
        var text = string.Join('\n', lines);
        var data = project.Write("data.csv", text);
        var schema = project.Infer(project.WriteSpec(label: "recommended", kind: "binary", dataExtra: "columns:\n  recommended: { type: boolean }"));

        var d = Assert.Single(schema.Diagnostics, d => d.Id == "PG0108");
        Assert.Equal((data, 4, 22, text.IndexOf("maybe", StringComparison.Ordinal)), (d.FilePath, d.Span.StartLine, d.Span.StartColumn, d.Span.StartOffset));
        Assert.Contains("data line 4", d.Message);
    }

    [Fact]
    public void A_sampled_value_after_a_multiline_quoted_value_is_located_where_it_starts_with_crlf_offsets()
    {
        using var project = new TempProject();
        // PG0140 names 'abc' among numbers: on line 4 at column 9 of a CRLF file whose row starts on line 3.
        var rows = Enumerable.Range(1, 12).Select(i => $"\"fine\",{i}").ToList();
        rows[1] = "\"two\r\nlines\", abc";
        var text = "review,score\r\n" + string.Join("\r\n", rows) + "\r\n";
        var data = project.Write("data.csv", text);
        var schema = project.Infer(project.WriteSpec(label: "review", kind: "multiclass"));

        var d = Assert.Single(schema.Diagnostics, d => d.Id == "PG0140");
        Assert.Equal((data, 4, 9, text.IndexOf("abc", StringComparison.Ordinal)), (d.FilePath, d.Span.StartLine, d.Span.StartColumn, d.Span.StartOffset));
        Assert.Contains("'abc' (line 4, column 9)", d.Message);
        // The row is still numbered by its first line, as the run numbers it.
        var score = schema.Find("score")!;
        Assert.Equal(3, score.ValueLines[score.DistinctValues.ToList().IndexOf("abc")]);
    }
}
