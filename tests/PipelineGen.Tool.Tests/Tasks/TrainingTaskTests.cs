using System.Collections;
using Microsoft.Build.Framework;
using PipelineGen.Tasks;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// The task that replaced <c>&lt;Exec&gt;</c> for training in the build (issue #9): no shell sees the paths, the output is
/// streamed to the log, a failing exit code is PG9003, a cancelled build ends the child.
/// </summary>
public class TrainingTaskTests
{
    private sealed class Engine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public List<BuildWarningEventArgs> Warnings { get; } = [];
        public List<string> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.csproj";
        public void LogErrorEvent(BuildErrorEventArgs e) { lock (Errors) Errors.Add(e); }
        public void LogWarningEvent(BuildWarningEventArgs e) { lock (Warnings) Warnings.Add(e); }
        public void LogMessageEvent(BuildMessageEventArgs e) { lock (Messages) Messages.Add(e.Message ?? ""); }
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
    }

    /// <summary>A copy of the build tool (a small .NET program) in <paramref name="folder"/>, to stand in for the user's program.</summary>
    private static string CopyProgram(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "PipelineGen.Tool.dll", "PipelineGen.Tool.runtimeconfig.json", "PipelineGen.Tool.deps.json", "PipelineGen.Spec.dll", "YamlDotNet.dll" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, name), Path.Combine(folder, name));
        return Path.Combine(folder, "PipelineGen.Tool.dll");
    }

    [Fact]
    public void Shell_syntax_in_the_project_path_is_never_executed()
    {
        // The reproduction: a folder name with backticks created a file through the shell <Exec> used.
        using var project = new TempProject();
        var folder = project.PathOf("app `touch INJECTED1` $(touch INJECTED2) ; touch INJECTED3 ' \" x");
        var program = CopyProgram(folder);
        var engine = new Engine();
        var task = new RunPipelineTraining { BuildEngine = engine, Program = program, Arguments = ["--help"], WorkingDirectory = folder };

        Assert.True(task.Execute(), string.Join("\n", engine.Errors.Select(e => e.Message)));

        Assert.Equal(0, task.ExitCode);
        Assert.Contains(engine.Messages, m => m.Contains("Usage: PipelineGen.Tool infer", StringComparison.Ordinal)); // its output reached the log
        var created = Directory.GetFiles(project.Directory, "INJECTED*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Environment.CurrentDirectory, "INJECTED*")).ToArray();
        Assert.Empty(created);
    }

    [Fact]
    public void A_failing_program_is_PG9003_with_its_exit_code_and_its_error_output_in_the_log()
    {
        using var project = new TempProject();
        var program = CopyProgram(project.PathOf("bin"));
        var engine = new Engine();
        var task = new RunPipelineTraining { BuildEngine = engine, Program = program, Arguments = ["no-such-command"], WorkingDirectory = project.Directory, ProjectFile = project.PathOf("App.csproj") };

        Assert.False(task.Execute());

        Assert.Equal(2, task.ExitCode);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PG9003", error.Code);
        Assert.Equal(project.PathOf("App.csproj"), error.File);
        Assert.Contains("exited with code 2", error.Message);
        Assert.Contains(engine.Messages, m => m.Contains("unknown command 'no-such-command'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_program_path_with_a_NUL_character_is_PG9003_not_a_crash()
    {
        using var project = new TempProject();
        var engine = new Engine();
        var task = new RunPipelineTraining { BuildEngine = engine, Program = project.PathOf("bin/App\0.dll"), WorkingDirectory = project.Directory };
        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PG9003", error.Code);
        Assert.Contains("NUL character", error.Message);
        Assert.DoesNotContain("\0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_lines_with_braces_reach_the_log_verbatim()
    {
        if (OperatingSystem.IsWindows()) return; // uses cat as the child
        using var project = new TempProject();
        var file = project.Write("out.txt", "metrics {\"auc\": 0.91} {0} {oops}\n");
        var engine = new Engine();
        // "<host> <program>" = "cat out.txt": the child prints the file.
        var task = new RunPipelineTraining { BuildEngine = engine, DotnetHostPath = "/bin/cat", Program = file, WorkingDirectory = project.Directory };
        Assert.True(task.Execute(), string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Contains("metrics {\"auc\": 0.91} {0} {oops}", engine.Messages);
    }

    [Fact]
    public async Task Cancelling_the_build_ends_the_child()
    {
        if (OperatingSystem.IsWindows()) return; // uses tail -f as a child that never ends on its own
        using var project = new TempProject();
        var marker = project.Write("never-ending-" + Guid.NewGuid().ToString("N") + ".txt", "x\n");
        var engine = new Engine();
        // "<host> <program> <args>" = "tail <file> -f": a child that runs until it is ended.
        var task = new RunPipelineTraining { BuildEngine = engine, DotnetHostPath = "/usr/bin/tail", Program = marker, Arguments = ["-f"], WorkingDirectory = project.Directory };

        var run = Task.Run(task.Execute);
        await WaitUntil(() => ChildrenWith(marker).Length > 0, TimeSpan.FromSeconds(30));
        task.Cancel();

        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) == run, "the task did not return after Cancel");
        Assert.False(await run);
        Assert.Contains(engine.Warnings, w => w.Message!.Contains("cancelled", StringComparison.Ordinal));
        await WaitUntil(() => ChildrenWith(marker).Length == 0, TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"condition not met within {limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Pids of live processes whose command line mentions <paramref name="text"/> (Linux /proc).</summary>
    internal static int[] ChildrenWith(string text) =>
        Directory.GetDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0)
            .Where(p =>
            {
                try
                {
                    var cmdline = File.ReadAllText(Path.Combine(p.Dir, "cmdline"));
                    var state = File.ReadAllText(Path.Combine(p.Dir, "stat"));
                    return cmdline.Contains(text, StringComparison.Ordinal) && !state.Contains(") Z ", StringComparison.Ordinal);
                }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            })
            .Select(p => p.Pid).ToArray();
}
