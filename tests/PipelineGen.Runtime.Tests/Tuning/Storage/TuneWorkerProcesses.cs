using System.Diagnostics;
using System.Reflection;
using PipelineGen.Runtime.Tests.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning.Storage;

/// <summary>
/// Real <c>tune</c> processes of the FaultHost (tests/PipelineGen.FaultHost: the tunable Titanic stand-in behind
/// <c>PipelineApp.Run</c>) in one project folder: the setup the shared-study process tests have in common. Disposing it
/// kills whatever is still running and deletes the folder.
/// </summary>
internal sealed class TuneWorkerProcesses : IDisposable
{
    private static readonly string HostDll = typeof(TuneWorkerProcesses).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHost").Value!;

    private readonly List<Process> _processes = [];
    private readonly IReadOnlyDictionary<string, string> _environment;

    /// <param name="environment">Set in every worker's environment (e.g. the FaultHost's fit length).</param>
    public TuneWorkerProcesses(IReadOnlyDictionary<string, string>? environment = null) =>
        _environment = environment ?? new Dictionary<string, string>();

    /// <summary>The project folder every worker runs in (its lock file is written here).</summary>
    public string Project { get; } = TitanicTestPipeline.NewProjectDirectory();

    /// <summary>Starts one <c>tune</c> process with <paramref name="args"/>; its stdout and stderr are read to the end.</summary>
    public (Process Process, Task<string> Output) Start(params string[] args)
    {
        Assert.True(File.Exists(HostDll), $"the fault host was not built: {HostDll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        foreach (var a in new[] { HostDll, Project, "tune" }.Concat(args)) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        _processes.Add(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        return (process, Task.WhenAll(stdout, stderr).ContinueWith(t => t.Result[0] + t.Result[1], TaskScheduler.Default));
    }

    /// <summary>Waits for a worker to end within <paramref name="timeout"/> and asserts it exited 0 (its output otherwise).</summary>
    public static void AssertSucceeds((Process Process, Task<string> Output) worker, TimeSpan timeout, string timeoutMessage)
    {
        var (process, output) = worker;
        Assert.True(process.WaitForExit(timeout), timeoutMessage);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output.Result}");
    }

    public void Dispose()
    {
        foreach (var p in _processes) { try { if (!p.HasExited) p.Kill(true); } catch (InvalidOperationException) { } p.Dispose(); }
        Directory.Delete(Project, recursive: true);
    }
}
