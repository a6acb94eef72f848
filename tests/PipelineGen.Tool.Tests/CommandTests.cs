using PipelineGen.Spec.Data;
using PipelineGen.Tool.Inference;
using Xunit;

namespace PipelineGen.Tool.Tests;

public class CommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Writes_the_schema_and_the_list_of_data_files()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n");
        project.Write("test.csv", "a,label\n2,y\n");
        var spec = project.WriteSpec(dataExtra: "test: test.csv");
        var schemaPath = project.PathOf("obj/pipeline.schema.json");

        var (exit, output, _) = Run("infer", "--spec", spec, "--out", schemaPath);

        Assert.Equal(0, exit);
        Assert.Contains("schema written", output);
        var schema = SchemaFile.Read(File.ReadAllText(schemaPath));
        Assert.NotNull(schema);
        Assert.Equal(spec, schema!.SpecPath);
        Assert.Equal(new[] { project.PathOf("data.csv"), project.PathOf("test.csv") },
            File.ReadAllLines(project.PathOf("obj/pipeline.schema.deps")));
        Assert.Empty(Directory.GetFiles(project.PathOf("obj"), "*.tmp"));
    }

    [Fact]
    public void Rewrites_the_schema_only_when_its_content_changes_but_always_touches_the_deps_file()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", "a,label\n1,x\n");
        var spec = project.WriteSpec();
        var schemaPath = project.PathOf("obj/s.schema.json");
        var depsPath = project.PathOf("obj/s.deps");
        Assert.Equal(0, Run("infer", "--spec", spec, "--out", schemaPath, "--deps", depsPath).Exit);

        var old = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(schemaPath, old);
        File.SetLastWriteTimeUtc(depsPath, old);
        File.AppendAllText(data, "\n"); // the data file changed, its schema did not

        var (exit, output, _) = Run("infer", "--spec", spec, "--out", schemaPath, "--deps", depsPath);
        Assert.Equal(0, exit);
        Assert.Contains("schema unchanged", output);
        Assert.Equal(old, File.GetLastWriteTimeUtc(schemaPath));
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(depsPath));

        File.AppendAllText(data, "2,y\n");
        Assert.Contains("schema written", Run("infer", "--spec", spec, "--out", schemaPath, "--deps", depsPath).Output);
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(schemaPath));
        Assert.Equal(2, SchemaFile.Read(File.ReadAllText(schemaPath))!.RowsSampled);
    }

    [Fact]
    public void Handles_several_specs_in_one_process_and_reports_a_failing_one_by_name()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n");
        var good = project.WriteSpec();
        var missing = project.PathOf("absent.pipeline.yaml");

        var (exit, _, error) = Run("infer", "--spec", missing, "--out", project.PathOf("obj/a.json"), "--spec", good, "--out", project.PathOf("obj/b.json"));

        Assert.Equal(1, exit);
        Assert.Contains($"spec '{missing}'", error);
        Assert.Contains("not found", error);
        Assert.DoesNotContain(": error ", error); // not the canonical form: the MSBuild task reports it once
        Assert.True(File.Exists(project.PathOf("obj/b.json"))); // the good spec was still processed
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("infer")]
    [InlineData("infer", "--out", "x.json")]
    [InlineData("infer", "--spec", "a.yaml")]
    [InlineData("infer", "--spec", "a.yaml", "--out", "a.json", "--max-rows", "-3")]
    public void Bad_command_lines_exit_with_2(params string[] args)
    {
        var (exit, _, error) = Run(args);
        Assert.Equal(2, exit);
        Assert.StartsWith("PipelineGen.Tool:", error);
    }

    [Fact]
    public void The_sample_size_can_be_set_on_the_command_line()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n2,y\n3,z\n");
        var schemaPath = project.PathOf("s.json");
        Assert.Equal(0, Run("infer", "--spec", project.WriteSpec(), "--out", schemaPath, "--max-rows", "2").Exit);
        var schema = SchemaFile.Read(File.ReadAllText(schemaPath))!;
        Assert.Equal(2, schema.RowsSampled);
        Assert.False(schema.SampleIsComplete);
    }

    [Fact]
    public void A_schema_written_by_the_tool_reads_back_equal()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label,a\n1,\"x, \"\"quoted\"\"\",2\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.NotEmpty(schema.Diagnostics);
        Assert.Equal(schema, SchemaFile.Read(SchemaFile.Write(schema)));
    }
}
