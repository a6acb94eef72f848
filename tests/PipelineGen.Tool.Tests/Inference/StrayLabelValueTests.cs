using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// A binary label with a few stray values ('2' in three rows of a 0/1 column, as in a Titanic file with a typo): the
/// build's PG0107 names the values, their rows and the first data line, and says to correct or remove those rows,
/// not to switch to 'kind: multiclass'. Through the tool's scan, the schema file and the binder, as a build runs them.
/// </summary>
public class StrayLabelValueTests
{
    /// <summary>400 rows of 0/1 with '2' at the given 0-based data rows (data line = row + 2).</summary>
    private static string Data(int rows, params int[] strayRows) =>
        "fare,survived\n" + string.Concat(Enumerable.Range(0, rows).Select(i =>
            $"{i % 17}.5,{(strayRows.Contains(i) ? "2" : i % 5 < 3 ? "0" : "1")}\n"));

    private static DiagnosticInfo Pg0107(TempProject project, string data, SampleLimits? limits = null)
    {
        project.Write("train.csv", data);
        var spec = project.WriteSpec(train: "train.csv", label: "survived", kind: "binary");
        var schema = SchemaInferrer.Infer(spec, limits).Schema;
        // The generator binds what the tool wrote to the schema file: go through it as the build does.
        var read = SchemaFile.Read(SchemaFile.Write(schema))!;
        Assert.Equal(schema.Find("survived")!.ValueCounts, read.Find("survived")!.ValueCounts);
        var d = Assert.Single(SpecBinder.Bind(SpecParser.Parse(File.ReadAllText(spec), spec), read, "App").Diagnostics, x => x.Id == "PG0107");
        // Located where it was before: at the label in the spec.
        Assert.Equal(spec, d.FilePath);
        Assert.Equal(5, d.Span.StartLine);
        return d;
    }

    [Fact]
    public void Three_stray_values_beside_two_full_classes_are_named_with_rows_and_first_line()
    {
        using var project = new TempProject();
        var d = Pg0107(project, Data(400, 46, 200, 311));
        Assert.Contains("'0', '1', '2'", d.Message);
        Assert.Contains("Value '2' (3 rows, first at data line 48 of train.csv) is in only a handful of rows beside '0' (237 rows) and '1' (160 rows)", d.Message);
        Assert.Contains("Correct or remove those rows of train.csv", d.Message);
        Assert.DoesNotContain("(use 'kind: multiclass')", d.Message);
        Assert.DoesNotContain("Change 'task.kind'", d.Message);
        Assert.DoesNotContain("counted in the first", d.Message); // no sample note: the whole file was read
    }

    [Fact]
    public void Counts_from_a_bounded_sample_say_so()
    {
        using var project = new TempProject();
        var d = Pg0107(project, Data(400, 46, 200, 311), new SampleLimits(MaxRows: 300));
        Assert.Contains("Value '2' (2 rows, first at data line 48 of train.csv) is in only a handful of rows (counted in the first 300 rows, the part of the file the build reads", d.Message);
        Assert.Contains("there may be more further on", d.Message);
    }

    [Fact]
    public void A_third_value_in_many_rows_keeps_the_multiclass_advice()
    {
        using var project = new TempProject();
        // 40 rows of '2' (10 %): a real third class, not a typo.
        var d = Pg0107(project, Data(400, Enumerable.Range(0, 40).Select(i => i * 10).ToArray()));
        Assert.Contains("exactly two classes (use 'kind: multiclass'). Change 'task.kind' or the label.", d.Message);
        Assert.DoesNotContain("Correct or remove", d.Message);
        // Three rows of '2' in a file too small for 3 rows to be under 1 %: not called stray either (explore's thresholds).
        var small = Pg0107(project, Data(100, 5, 6, 7));
        Assert.Contains("(use 'kind: multiclass')", small.Message);
    }

    [Fact]
    public void A_numeric_label_written_two_ways_counts_the_rows_of_both_spellings()
    {
        using var project = new TempProject();
        // '1' and '1.0' are one class; '2' is the stray one.
        var data = Data(400, 99, 300).Replace(",1\n", ",1.0\n").Replace("\n0.5,1.0\n", "\n0.5,1\n");
        var d = Pg0107(project, data);
        Assert.Contains("Value '2' (2 rows, first at data line 101 of train.csv)", d.Message);
        Assert.Contains("and '1' (159 rows)", d.Message);
    }
}
