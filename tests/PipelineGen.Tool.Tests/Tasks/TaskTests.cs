using System.Collections;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PipelineGen.Tasks;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>The MSBuild task, run outside MSBuild against the real tool: how tool results become build messages.</summary>
public class TaskTests
{
    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public List<BuildMessageEventArgs> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.csproj";
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) { }
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
    }

    private static string ToolAssembly => Path.Combine(AppContext.BaseDirectory, "PipelineGen.Tool.dll");

    private static (bool Result, RecordingBuildEngine Engine) Run(string toolAssembly, params (string Spec, string Schema)[] specs)
    {
        var engine = new RecordingBuildEngine();
        var task = new InferPipelineSchemas
        {
            BuildEngine = engine,
            ToolAssembly = toolAssembly,
            Specs = specs.Select(s =>
            {
                var item = new TaskItem(s.Spec);
                item.SetMetadata("SchemaFile", s.Schema);
                item.SetMetadata("DepsFile", Path.ChangeExtension(s.Schema, ".deps"));
                return (ITaskItem)item;
            }).ToArray(),
            Timeout = 120_000,
        };
        return (task.Execute(), engine);
    }

    /// <summary>Runs the task for one spec (project folder = the spec's folder); returns its result and errors.</summary>
    internal static (bool Result, List<BuildErrorEventArgs> Errors) RunTask(string spec, string schema, string? allowOutside = null)
    {
        var engine = new RecordingBuildEngine();
        var item = new TaskItem(spec);
        item.SetMetadata("SchemaFile", schema);
        item.SetMetadata("DepsFile", Path.ChangeExtension(schema, ".deps"));
        var task = new InferPipelineSchemas
        {
            BuildEngine = engine,
            ToolAssembly = ToolAssembly,
            Specs = [item],
            ProjectDirectory = Path.GetDirectoryName(spec),
            AllowDataOutsideProject = allowOutside,
            Timeout = 120_000,
        };
        return (task.Execute(), engine.Errors);
    }

    [Fact]
    public void Runs_the_tool_and_logs_its_summary_quietly()
    {
        using var project = new TempProject();
        project.Write("data.csv", "a,label\n1,x\n");
        var schema = project.PathOf("obj/p.schema.json");
        var (result, engine) = Run(ToolAssembly, (project.WriteSpec(), schema));
        Assert.True(result, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Empty(engine.Errors);
        Assert.True(File.Exists(schema));
        Assert.Contains(engine.Messages, m => m.Message!.Contains("schema written") && m.Importance == MessageImportance.Low);
    }

    [Fact]
    public void A_tool_failure_is_one_error_naming_the_spec()
    {
        using var project = new TempProject();
        var missing = project.PathOf("gone.pipeline.yaml");
        var (result, engine) = Run(ToolAssembly, (missing, project.PathOf("obj/g.schema.json")));
        Assert.False(result);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PG9002", error.Code);
        Assert.Contains(missing, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void A_missing_tool_is_an_error_that_says_what_to_do()
    {
        using var project = new TempProject();
        var (result, engine) = Run(project.PathOf("nowhere/PipelineGen.Tool.dll"), (project.WriteSpec(), project.PathOf("s.json")));
        Assert.False(result);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PG9001", error.Code);
        Assert.Contains("PipelineGenToolAssembly", error.Message);
    }
}

public class TaskDataPolicyTests
{
    [Theory]
    [InlineData(null, "warning")]
    [InlineData("false", "error")]
    [InlineData("true", null)]
    public void PipelineGenAllowDataOutsideProject_reaches_the_tool(string? allow, string? expected)
    {
        using var outside = new TempProject();
        var data = outside.Write("data.csv", "a,label\n1,x\n2,y\n");
        using var project = new TempProject();
        var spec = project.WriteSpec(train: data);
        var schemaPath = project.PathOf("obj/p.schema.json");

        var (result, errors) = TaskTests.RunTask(spec, schemaPath, allow);

        Assert.True(result, string.Join("\n", errors.Select(e => e.Message)));
        var schema = PipelineGen.Spec.Data.SchemaFile.Read(File.ReadAllText(schemaPath))!;
        var d = schema.Diagnostics.SingleOrDefault(x => x.Id == "PG0130");
        Assert.Equal(expected, d is null ? null : d.Severity.ToString().ToLowerInvariant());
        Assert.Equal(expected == "error" ? 0 : 2, schema.Columns.Count);
    }
}
