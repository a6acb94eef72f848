using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;
using Xunit;

namespace PipelineGen.Tool.Tests;

public class DiagnosticTests
{
    private static DiagnosticInfo Single(InferredSchema schema, string id)
    {
        var matching = schema.Diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id}, got: {string.Join(" | ", schema.Diagnostics)}");
        return matching[0];
    }

    [Fact]
    public void Missing_train_file_points_at_the_specs_train_value_and_says_where_it_looked()
    {
        using var project = new TempProject();
        var spec = project.WriteSpec(train: "data/nope.csv");
        var schema = project.Infer(spec);

        var d = Single(schema, "PG0301");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Equal(spec, d.FilePath);
        Assert.Equal(7, d.Span.StartLine); // "  train: data/nope.csv" is line 7 of the spec
        Assert.Equal(10, d.Span.StartColumn);
        Assert.Contains("'data/nope.csv'", d.Message);
        Assert.Contains(project.PathOf("data/nope.csv"), d.Message);
        Assert.Empty(schema.Columns);
    }

    [Fact]
    public void Missing_test_file_points_at_the_specs_test_value()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n");
        var spec = project.WriteSpec(dataExtra: "test: holdout.csv");
        var d = Single(project.Infer(spec), "PG0301");
        Assert.Equal(8, d.Span.StartLine);
        Assert.Contains("'holdout.csv'", d.Message);
    }

    [Fact]
    public void Empty_file_is_PG0302_saying_it_is_empty()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "");
        var d = Single(project.Infer(project.WriteSpec()), "PG0302");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((1, 1), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("empty", d.Message);
    }

    [Fact]
    public void Header_only_file_is_PG0302_saying_there_are_no_rows()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "a,label\n");
        var schema = project.Infer(project.WriteSpec());
        var d = Single(schema, "PG0302");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((1, 1), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("header line but no data rows", d.Message);
        Assert.Equal(2, schema.Columns.Count); // the header still names the columns
    }

    [Fact]
    public void Row_with_too_few_fields_is_PG0303_at_the_end_of_the_row()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "a,b,label\n1,2,x\n3,4\n5,6,y\n");
        var schema = project.Infer(project.WriteSpec());
        var d = Single(schema, "PG0303");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((3, 4), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("Row has 2 fields but the header has 3", d.Message);
        Assert.Equal(new[] { "x", "y" }, schema.Find("label")!.DistinctValues); // the ragged row is not sampled
    }

    [Fact]
    public void Row_with_too_many_fields_is_PG0303_at_the_first_extra_field()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\r\n1,x\r\n22,y,extra\r\n");
        var d = Single(project.Infer(project.WriteSpec()), "PG0303");
        Assert.Equal((3, 6), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("Row has 3 fields but the header has 2", d.Message);
    }

    [Fact]
    public void Bad_rows_are_not_errors_when_the_spec_skips_them()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n2\n\"open,y\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "bad_rows: skip"));
        Assert.Empty(schema.Diagnostics);
        Assert.Equal(new[] { "1" }, schema.Find("a")!.DistinctValues);
    }

    [Fact]
    public void Unbalanced_quote_is_PG0307_where_the_quote_opens()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "a,label\n1,x\n2,\"never closed\n3,y\n");
        var schema = project.Infer(project.WriteSpec());
        var d = Single(schema, "PG0307");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((3, 3), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Equal(new[] { "x", "y" }, schema.Find("label")!.DistinctValues); // the next line is read normally
    }

    [Fact]
    public void A_line_break_inside_a_quoted_value_is_one_row_with_its_value_not_a_diagnostic()
    {
        using var project = new TempProject();
        // RFC 4180 allows it: the value opened on line 3 is closed on line 5. Before: PG0308 on line 3 (and PG0307 with
        // PG0303 ragged rows before that).
        project.Write("data.csv", "a,note,label\n1,\"ok\",x\n2,\"great food,\nslow service,\nwould \"\"come\"\" back\",y\n3,\"fine\",x\n4,,y\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.DoesNotContain(schema.Diagnostics, x => x.Id is "PG0307" or "PG0308" or "PG0303");
        Assert.Equal(4, schema.RowsSampled);
        Assert.Contains("great food,\nslow service,\nwould \"come\" back", schema.Find("note")!.DistinctValues);
        Assert.Equal(new[] { "x", "y" }, schema.Find("label")!.DistinctValues); // the rows after it are read normally
    }

    [Fact]
    public void A_quote_closed_on_a_later_line_without_making_one_row_is_PG0308_naming_both_lines()
    {
        using var project = new TempProject();
        // Line 3's quote closes on line 4, but lines 3-4 read as one row have 4 fields where the header has 3.
        var data = project.Write("data.csv", "a,note,label\n1,ok,x\n2,\"open\nclosed\",y,z\n3,fine,y\n");
        var schema = project.Infer(project.WriteSpec());
        var d = Single(schema, "PG0308");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((3, 3), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("closed on line 4, but the lines from here to there do not read as one row of 3 fields", d.Message);
        Assert.Contains("data.csv", d.Message);
        Assert.DoesNotContain(schema.Diagnostics, x => x.Id == "PG0307");
    }

    [Fact]
    public void Two_rows_that_each_leave_a_quote_open_are_two_PG0307_not_one_value_with_a_line_break()
    {
        using var project = new TempProject();
        // Joined, line 3's quote would close at line 4's opening quote; that close is followed by text, so it is no record.
        project.Write("data.csv", "a,note,label\n1,ok,x\n2,\"open,y\n3,\"open too,x\n4,fine,y\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal(new[] { 3, 4 }, schema.Diagnostics.Where(x => x.Id == "PG0307").Select(x => x.Span.StartLine));
        Assert.DoesNotContain(schema.Diagnostics, x => x.Id == "PG0308");
    }

    [Fact]
    public void A_header_repeated_mid_file_is_PG0309_and_the_columns_keep_their_types()
    {
        using var project = new TempProject();
        // Two files joined with their headers. Before: PG0140 "holds numbers except for 'a'", and 'a' inferred categorical.
        var data = project.Write("data.csv", "a,label\n1,x\n2,y\na,label\n3,x\n4,y\n");
        var schema = project.Infer(project.WriteSpec());
        var d = Single(schema, "PG0309");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((4, 1), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("repeats the header (line 4)", d.Message);
        Assert.DoesNotContain(schema.Diagnostics, x => x.Id == "PG0140");
        Assert.Equal("numeric", schema.Find("a")!.Type);
        Assert.Equal(new[] { "x", "y" }, schema.Find("label")!.DistinctValues);
    }

    [Fact]
    public void Duplicate_header_name_is_PG0304_at_the_second_occurrence()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "a,label,a\n1,x,2\n");
        var d = Single(project.Infer(project.WriteSpec()), "PG0304");
        Assert.Equal(data, d.FilePath);
        Assert.Equal((1, 9), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("'a'", d.Message);
        Assert.Contains("columns 1 and 3", d.Message);
    }

    [Fact]
    public void Test_file_with_other_columns_is_PG0306()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,b,label\n1,2,x\n");
        var test = project.Write("test.csv", "a,c,label\n1,2,x\n");
        var d = Single(project.Infer(project.WriteSpec(dataExtra: "test: test.csv")), "PG0306");
        Assert.Equal(test, d.FilePath);
        Assert.Equal((1, 1), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("missing 'b'", d.Message);
        Assert.Contains("'c'", d.Message);
    }

    [Fact]
    public void Test_file_with_the_same_columns_in_another_order_is_PG0306()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,b,c,d,e,f,g,label\n1,2,3,4,5,6,7,x\n");
        project.Write("test.csv", "a,b,c,d,e,g,f,label\n1,2,3,4,5,7,6,x\n");
        var d = Single(project.Infer(project.WriteSpec(dataExtra: "test: test.csv")), "PG0306");
        Assert.Contains("different order", d.Message);
        // Where the headers part, not their first five names (the same in both, which showed nothing).
        Assert.Contains("column 6 is 'f' in the training data but 'g' in the test data", d.Message);
    }

    [Fact]
    public void Test_file_rows_are_checked_but_not_used_for_inference()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n");
        var test = project.Write("test.csv", "a,label\nnot-a-number,z\n1\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "test: test.csv"));
        Assert.Equal("numeric", schema.Find("a")!.Type);
        Assert.Equal(new[] { "x" }, schema.Find("label")!.DistinctValues);
        var d = Single(schema, "PG0303");
        Assert.Equal(test, d.FilePath);
        Assert.Equal(3, d.Span.StartLine);
    }

    [Fact]
    public void Declared_type_that_the_data_does_not_fit_is_a_PG0108_warning_at_the_first_bad_value()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "age,label\n31,x\nNA,y\n4O,x\nabc,y\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "columns:\n  age: { type: numeric }"));
        var d = Single(schema, "PG0108");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Equal(data, d.FilePath);
        Assert.Equal((4, 1), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("'4O'", d.Message);
        Assert.Contains("data line 4", d.Message);
    }

    [Fact]
    public void Declared_types_the_data_fits_give_no_warning()
    {
        using var project = new TempProject();
        project.Write("data.csv", "age,when,ok,label\n31,2020-01-01,true,x\n,2021-12-31,false,y\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "columns:\n  age: { type: numeric }\n  when: { type: datetime }\n  ok: { type: boolean }\n  label: { type: text }"));
        Assert.Empty(schema.Diagnostics);
    }

    [Fact]
    public void Many_bad_rows_give_a_bounded_number_of_diagnostics()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n" + string.Join("\n", Enumerable.Range(0, 100).Select(i => "1")) + "\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal(SchemaInferrer.MaxDiagnosticsPerKind, schema.Diagnostics.Count(d => d.Id == "PG0303"));
    }

    [Fact]
    public void Diagnostics_print_in_the_canonical_msbuild_form()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "a,label\n1,x,3\n");
        var d = Single(project.Infer(project.WriteSpec()), "PG0303");
        Assert.StartsWith($"{data}(2,5): error PG0303: Row has 3 fields but the header has 2.", d.ToString());
    }
}
