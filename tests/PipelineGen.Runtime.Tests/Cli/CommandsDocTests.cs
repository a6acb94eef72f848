using System.Text.RegularExpressions;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Evaluation;
using Xunit;

namespace PipelineGen.Runtime.Tests.Cli;

/// <summary>docs/commands.md shows the root help as captured; it went stale (no --project-dir, no models). Its options and
/// commands must be the ones the real host prints.</summary>
public sealed class CommandsDocTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    private static string RepoFile(string relative)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "PipelineGen.sln"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, relative);
    }

    /// <summary>Option names and the first word of each line under "Commands:".</summary>
    private static (string[] Options, string[] Commands) Names(string help)
    {
        var options = Regex.Matches(help, @"(?<![\w-])--[a-z][a-z-]*").Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        var commandsAt = help.IndexOf("Commands:", StringComparison.Ordinal);
        var commands = commandsAt < 0 ? [] : help[commandsAt..].Split('\n').Skip(1)
            .Select(l => Regex.Match(l, @"^  (\S+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
        return (options, commands);
    }

    [Fact]
    public void The_help_captured_in_commands_md_lists_the_real_options_and_commands()
    {
        var output = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["--help"], BinaryPipeline.Titanic(s => s with { ProjectDirectory = _dir.Path }), output, new StringWriter(),
            runStorePath: Path.Combine(_dir.Path, "runs.db")));
        var doc = File.ReadAllText(RepoFile("docs/commands.md")).Replace("\r\n", "\n");
        var start = doc.IndexOf("$ dotnet run -- --help\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/commands.md has no captured --help");
        var block = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];

        // UPDATE_SNAPSHOTS=1 refreshes the captured block from "Options:" on (the description and usage lines above it
        // name the example's own program and trainer, which this test host does not share).
        var help = output.ToString().Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            var usage = block.IndexOf("Options:", StringComparison.Ordinal);
            var fresh = block[..usage] + help[help.IndexOf("Options:", StringComparison.Ordinal)..];
            File.WriteAllText(RepoFile("docs/commands.md"), doc[..start] + fresh + doc[(start + block.Length)..]);
            block = fresh;
        }

        var real = Names(help);
        var documented = Names(block);
        Assert.Contains("--project-dir", real.Options);
        Assert.Equal(real.Options, documented.Options);
        Assert.Equal(real.Commands, documented.Commands);
    }
}
