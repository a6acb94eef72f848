using PipelineGen.Spec;
using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// The build's view of the label beyond the training file's counts: a label value only the test file has (PG0112, at
/// its first line and column in the test file) and a multiclass class in a handful of rows (PG0111), through the
/// tool's scan, the schema file and the binder, as a build runs them.
/// </summary>
public class TestLabelValueTests
{
    /// <summary>A penguins-like file: bill length and species, one species per row in turn, with the given override at 0-based rows.</summary>
    private static string Penguins(int rows, Dictionary<int, string>? species = null) =>
        "bill,species\n" + string.Concat(Enumerable.Range(0, rows).Select(i =>
            $"{30 + i % 20}.5,{(species is not null && species.TryGetValue(i, out var s) ? s : new[] { "Adelie", "Gentoo", "Chinstrap" }[i % 3])}\n"));

    private static IReadOnlyList<DiagnosticInfo> Build(TempProject project, string train, string? test, string kind = "multiclass", SampleLimits? limits = null)
    {
        project.Write("train.csv", train);
        if (test is not null) project.Write("test.csv", test);
        var spec = project.WriteSpec(train: "train.csv", label: "species", kind: kind, dataExtra: test is null ? "" : "test: test.csv");
        var schema = SchemaFile.Read(SchemaFile.Write(SchemaInferrer.Infer(spec, limits).Schema))!;
        // The binder reports the tool's diagnostics from the schema file with its own, as the generator does.
        return SpecBinder.Bind(SpecParser.Parse(File.ReadAllText(spec), spec), schema, "App").Diagnostics.ToArray();
    }

    [Fact]
    public void A_label_value_only_in_the_test_file_is_named_at_its_line_in_the_test_file()
    {
        using var project = new TempProject();
        // 'Gentooo' in rows 4 and 7 of the test file (data lines 6 and 9); every species of the test file is otherwise trained on.
        var diagnostics = Build(project, Penguins(90), Penguins(30, new() { [4] = "Gentooo", [7] = "Gentooo" }));
        var d = Assert.Single(diagnostics, x => x.Id == "PG0112");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Equal(project.PathOf("test.csv"), d.FilePath);
        Assert.Equal((6, 6), (d.Span.StartLine, d.Span.StartColumn));
        Assert.Contains("Label 'species' has value 'Gentooo' (2 rows, first at line 6) in the test file test.csv that the training file train.csv does not have", d.Message);
        Assert.Contains("'test' will refuse to score the file", d.Message);
        Assert.DoesNotContain("the part the build reads", d.Message);
    }

    [Fact]
    public void Test_values_the_training_file_has_in_another_spelling_of_the_same_number_are_not_reported()
    {
        using var project = new TempProject();
        var train = "x,label\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i},{i % 2}\n"));
        var test = "x,label\n1,1.0\n2,0\n3,1\n";
        project.Write("train.csv", train);
        project.Write("test.csv", test);
        var spec = project.WriteSpec(train: "train.csv", label: "label", kind: "binary", dataExtra: "test: test.csv");
        Assert.DoesNotContain(SchemaInferrer.Infer(spec).Schema.Diagnostics, x => x.Id == "PG0112");
        // A '2' there is one.
        project.Write("test.csv", test + "4,2\n");
        Assert.Single(SchemaInferrer.Infer(spec).Schema.Diagnostics, x => x.Id == "PG0112");
    }

    [Fact]
    public void A_training_file_read_in_part_says_the_value_may_be_further_on()
    {
        using var project = new TempProject();
        // 'Emperor' is in row 80 of the training file, past the 60 rows the build reads.
        var diagnostics = Build(project, Penguins(90, new() { [80] = "Emperor" }), Penguins(30, new() { [2] = "Emperor" }), limits: new SampleLimits(MaxRows: 60));
        Assert.Contains("does not have in its first 60 rows (the part the build reads)", Assert.Single(diagnostics, x => x.Id == "PG0112").Message);
    }

    [Fact]
    public void A_multiclass_class_in_two_rows_of_344_is_a_located_warning_and_the_build_binds()
    {
        using var project = new TempProject();
        var diagnostics = Build(project, Penguins(344, new() { [118] = "Adelei", [200] = "Adelei" }), test: null);
        var d = Assert.Single(diagnostics, x => x.Id == "PG0111");
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Contains("value 'Adelei' (2 rows, first at data line 120 of train.csv) is in only a handful of rows beside classes of ", d.Message);
        Assert.DoesNotContain(diagnostics, x => x.Severity == Severity.Error);
    }
}
