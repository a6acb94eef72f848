using PipelineGen.Spec.Data;
using Xunit;

namespace PipelineGen.Tool.Tests;

public class InferenceTests
{
    [Fact]
    public void Infers_numeric_and_categorical_columns_with_distinct_values()
    {
        using var project = new TempProject();
        project.Write("data.csv", "sepal_length,petal_width,species\n5.1,0.2,setosa\n7.0,1.4,versicolor\n6.3,2.5,virginica\n4.9,0.2,setosa\n");
        var schema = project.Infer(project.WriteSpec(label: "species"));

        Assert.Empty(schema.Diagnostics);
        Assert.Equal(new[] { "sepal_length", "petal_width", "species" }, schema.Columns.Select(c => c.Name));
        Assert.Equal(new[] { 0, 1, 2 }, schema.Columns.Select(c => c.Index));
        Assert.Equal(new[] { "numeric", "numeric", "categorical" }, schema.Columns.Select(c => c.Type));
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, schema.Find("species")!.DistinctValues);
        // Numbers are ordered by value, not as text.
        Assert.Equal(new[] { "0.2", "1.4", "2.5" }, schema.Find("petal_width")!.DistinctValues);
        Assert.Equal(3, schema.Find("petal_width")!.DistinctCount);
        Assert.Equal(4, schema.RowsSampled);
        Assert.True(schema.SampleIsComplete);
        Assert.Equal(project.PathOf("data.csv"), schema.DataPath);
        Assert.Equal(project.PathOf("pipeline.yaml"), schema.SpecPath);
    }

    [Fact]
    public void Infers_boolean_datetime_and_text_from_a_tsv_and_skips_missing_tokens()
    {
        using var project = new TempProject();
        var rows = new[]
        {
            "flag\twhen\treview\tcount\tcolor",
            "true\t2024-01-05\tThe food was great and the staff friendly\t1\tred",
            "FALSE\t2024-02-11T08:30:00\tWould not come back here again\tNA\tblue",
            "True\t2024-03-01 17:45:12\tAverage place with slow service sadly\t?\t",
            "NA\t?\tNice view from the terrace at sunset\t3\tred",
        };
        project.Write("data.tsv", string.Join("\n", rows) + "\n");
        var schema = project.Infer(project.WriteSpec(train: "data.tsv", label: "flag", kind: "binary"));

        Assert.Empty(schema.Diagnostics);
        Assert.Equal("boolean", schema.Find("flag")!.Type);
        Assert.Equal("datetime", schema.Find("when")!.Type);
        Assert.Equal("text", schema.Find("review")!.Type);
        Assert.Equal("numeric", schema.Find("count")!.Type);
        Assert.Equal("categorical", schema.Find("color")!.Type);
        Assert.Equal(1, schema.Find("flag")!.MissingCount);
        Assert.Equal(1, schema.Find("when")!.MissingCount);
        Assert.Equal(2, schema.Find("count")!.MissingCount);
        Assert.Equal(1, schema.Find("color")!.MissingCount);
        Assert.Equal(new[] { "1", "3" }, schema.Find("count")!.DistinctValues);
    }

    [Fact]
    public void The_specs_missing_values_replace_the_default_tokens()
    {
        using var project = new TempProject();
        project.Write("data.csv", "x,label\n-1,a\n2,b\nNA,a\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "missing_values: ['-1']"));

        // "-1" is missing now; "NA" is an ordinary value, which makes the column categorical.
        var x = schema.Find("x")!;
        Assert.Equal(1, x.MissingCount);
        Assert.Equal("categorical", x.Type);
        Assert.Equal(new[] { "2", "NA" }, x.DistinctValues);
    }

    [Fact]
    public void A_columns_own_missing_values_count_as_missing_in_that_column_only()
    {
        using var project = new TempProject();
        project.Write("data.csv", "pdays,balance,label\n3,-1,a\nunknown,7,b\n-1,unknown,a\n5,2,b\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "columns:\n  pdays: { missing_values: ['-1', 'unknown'] }"));

        // pdays' only words are its own tokens: still numeric, with both counted missing.
        var pdays = schema.Find("pdays")!;
        Assert.Equal(("numeric", 2), (pdays.Type, pdays.MissingCount));
        Assert.Equal(new[] { "3", "5" }, pdays.DistinctValues);
        // In balance -1 is a value and 'unknown' is not a token: a word among numbers, so categorical, nothing missing.
        var balance = schema.Find("balance")!;
        Assert.Equal(("categorical", 0), (balance.Type, balance.MissingCount));
        Assert.Contains("-1", balance.DistinctValues);
    }

    [Fact]
    public void Numbers_are_not_taken_for_dates()
    {
        using var project = new TempProject();
        project.Write("data.csv", "year,ratio,label\n2020,1.5,a\n2021,3,b\n1999,1e-3,a\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal("numeric", schema.Find("year")!.Type);
        Assert.Equal("numeric", schema.Find("ratio")!.Type);
    }

    [Fact]
    public void Short_repeated_multiword_values_stay_categorical()
    {
        using var project = new TempProject();
        var rows = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? "credit card payment type" : "cash on the spot") + ",x");
        project.Write("data.csv", "payment,label\n" + string.Join("\n", rows) + "\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal("categorical", schema.Find("payment")!.Type);
    }

    [Fact]
    public void A_column_with_no_values_is_categorical()
    {
        using var project = new TempProject();
        project.Write("data.csv", "empty,label\n,a\nNA,b\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal("categorical", schema.Find("empty")!.Type);
        Assert.Equal(2, schema.Find("empty")!.MissingCount);
        Assert.Equal(0, schema.Find("empty")!.DistinctCount);
    }

    [Fact]
    public void Many_distinct_values_are_counted_but_not_listed()
    {
        using var project = new TempProject();
        var count = SchemaFile.MaxDistinctValues + 1;
        project.Write("data.csv", "id,label\n" + string.Join("\n", Enumerable.Range(0, count).Select(i => $"v{i},a")) + "\n");
        var column = project.Infer(project.WriteSpec()).Find("id")!;
        Assert.Equal(count, column.DistinctCount);
        Assert.Empty(column.DistinctValues);
        Assert.False(column.DistinctValuesKnown);
    }

    [Fact]
    public void Quoted_fields_with_separators_doubled_quotes_and_crlf_are_read_as_one_value()
    {
        using var project = new TempProject();
        project.Write("data.csv", "name,label\r\n\"Smith, John\",a\r\n\"say \"\"hi\"\"\",b\r\n\"\",a\r\n");
        var schema = project.Infer(project.WriteSpec());

        Assert.Empty(schema.Diagnostics);
        var name = schema.Find("name")!;
        Assert.Equal(new[] { "Smith, John", "say \"hi\"" }, name.DistinctValues);
        Assert.Equal(1, name.MissingCount); // "" is the empty value, a default missing token
        Assert.Equal(new[] { "a", "b" }, schema.Find("label")!.DistinctValues); // no stray '\r'
    }

    [Fact]
    public void Header_names_are_trimmed_and_a_bom_is_ignored()
    {
        using var project = new TempProject();
        File.WriteAllText(project.PathOf("data.csv"), " a , label\n1,x\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal(new[] { "a", "label" }, schema.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Without_a_header_columns_are_numbered_and_the_first_line_is_data()
    {
        using var project = new TempProject();
        project.Write("data.csv", "1,a\n2,b\n");
        var schema = project.Infer(project.WriteSpec(label: "Column2", dataExtra: "header: false"));
        Assert.Equal(new[] { "Column1", "Column2" }, schema.Columns.Select(c => c.Name));
        Assert.Equal(2, schema.RowsSampled);
        Assert.Equal(new[] { "1", "2" }, schema.Find("Column1")!.DistinctValues);
    }

    [Fact]
    public void Headerless_file_takes_its_column_names_from_the_spec()
    {
        using var project = new TempProject();
        project.Write("data.csv", "1,a\n2,b\n");
        var schema = project.Infer(project.WriteSpec(label: "grade", dataExtra: "header: false\nnames: [score, grade]"));
        Assert.Equal(new[] { "score", "grade" }, schema.Columns.Select(c => c.Name));
        Assert.Empty(schema.Diagnostics);
        Assert.Equal(2, schema.RowsSampled);
        Assert.Equal(new[] { "1", "2" }, schema.Find("score")!.DistinctValues);
    }

    [Fact]
    public void PG0153_names_that_do_not_match_the_fields_are_an_error_at_the_first_row()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "1,a,x\n2,b,y\n");
        var schema = project.Infer(project.WriteSpec(label: "grade", dataExtra: "header: false\nnames: [score, grade]"));
        var d = Assert.Single(schema.Diagnostics, x => x.Id == "PG0153");
        Assert.Equal((data, 1, 1), (d.FilePath, d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("lists 2 column name(s)", d.Message);
        Assert.Contains("has 3 field(s)", d.Message);
    }

    [Fact]
    public void A_spec_with_errors_gives_an_empty_schema_without_diagnostics()
    {
        using var project = new TempProject();
        var spec = project.Write("pipeline.yaml", "version: 1\nname: Test\ntask: { kind: nonsense, label: y }\ndata: { train: missing.csv }\n");
        var schema = project.Infer(spec);
        Assert.Empty(schema.Columns);
        Assert.Empty(schema.Diagnostics);
        Assert.Equal(spec, schema.SpecPath);
    }

    [Fact]
    public void The_data_path_is_resolved_against_the_specs_folder()
    {
        using var project = new TempProject();
        project.Write("data/train.csv", "a,label\n1,x\n");
        var spec = project.WriteSpec(train: "../data/train.csv", name: "specs/pipeline.yaml");
        var result = Inference.SchemaInferrer.Infer(spec);
        Assert.Empty(result.Schema.Diagnostics);
        Assert.Equal(new[] { project.PathOf("data/train.csv") }, result.DataFiles);
    }
}
