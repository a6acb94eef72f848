using System.Diagnostics;
using System.Text;

namespace PipelineGen.IntegrationTests;

public sealed record CommandResult(int ExitCode, string Output, string CommandLine)
{
    /// <summary>The end of the log, for assertion messages (builds are long; the cause is at the end).</summary>
    public string Tail(int lines = 80)
    {
        var all = Output.Split('\n');
        return $"$ {CommandLine} (exit {ExitCode})\n" + string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }
}

/// <summary>Runs the dotnet CLI the way a user's shell would, with a timeout so a hung build fails instead of hanging the run.</summary>
internal static class DotnetCli
{
    public static CommandResult Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = StartInfo(workingDirectory, args);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) output.AppendLine($"*** killed after {timeout.TotalSeconds:0} s ***");
            return new CommandResult(-1, output.ToString(), "dotnet " + string.Join(" ", args));
        }
        process.WaitForExit();
        lock (output) return new CommandResult(process.ExitCode, output.ToString(), "dotnet " + string.Join(" ", args));
    }

    /// <summary>Starts the dotnet CLI without waiting (a test that kills it); output goes to <paramref name="output"/>.</summary>
    public static Process Start(string workingDirectory, StringBuilder output, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = StartInfo(workingDirectory, args);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host runs inside MSBuild-aware tooling: do not leak its MSBuild settings into the user's build.
        foreach (var name in new[] { "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE" })
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild nodes or build servers left behind, and no task assembly kept loaded between builds.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        return start;
    }
}
