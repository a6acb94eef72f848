using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PipelineGen.Shared;

namespace PipelineGen.Tasks;

/// <summary>
/// Runs the built program's training command (<c>dotnet App.dll train</c>) for <c>-p:PipelineGenTrain=true</c>.
/// </summary>
/// <remarks>
/// Replaces an <c>&lt;Exec&gt;</c>, which hands its command line to <c>/bin/sh</c> (or <c>cmd.exe</c>): a project path with
/// backticks, <c>$(...)</c> or quotes was executed as a command. Here the program and every argument go to
/// <see cref="ProcessStartInfo.ArgumentList"/> and no shell is involved. The child's output is streamed to the build log
/// line by line; a cancelled build (Ctrl+C, IDE cancel, a worker node losing its parent) ends the child and its
/// children. The child also gets <c>PIPELINEGEN_PARENT_PID</c>, so the runtime ends it when this process dies without
/// a chance to clean up (<c>kill -9</c>); see <c>ParentProcessWatch</c> in the runtime.
/// </remarks>
public sealed class RunPipelineTraining : Microsoft.Build.Utilities.Task, ICancelableTask
{
    /// <summary>Name of the environment variable that tells the child which process to live and die with.</summary>
    public const string ParentPidVariable = "PIPELINEGEN_PARENT_PID";

    private readonly object _gate = new();
    private Process? _process;
    private bool _cancelled;

    /// <summary>The <c>dotnet</c> host; empty: <c>DOTNET_HOST_PATH</c>, then <c>dotnet</c> on PATH.</summary>
    public string? DotnetHostPath { get; set; }

    /// <summary>The built program (<c>$(TargetPath)</c>).</summary>
    [Required]
    public string Program { get; set; } = "";

    /// <summary>Arguments, one per item. An item is one argument, spaces and all; a ';' inside an item also separates
    /// arguments (a property function's result, <c>$(X.Replace(' ', ';'))</c>, reaches the task as one escaped item).</summary>
    public string[] Arguments { get; set; } = [];

    [Required]
    public string WorkingDirectory { get; set; } = "";

    /// <summary>Where the error is located (the project file).</summary>
    public string? ProjectFile { get; set; }

    /// <summary>What the program does, for messages ("training", "ONNX export").</summary>
    public string Step { get; set; } = "training";

    /// <summary>The child's exit code (-1 when it could not be started or was cancelled).</summary>
    [Output]
    public int ExitCode { get; private set; } = -1;

    public override bool Execute()
    {
        var host = !string.IsNullOrEmpty(DotnetHostPath) ? DotnetHostPath!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromSdk ? fromSdk : "dotnet";
        var arguments = Arguments.SelectMany(a => a.Split(';')).Where(a => a.Length > 0).ToArray();
        var display = Path.GetFileName(Program) + (arguments.Length > 0 ? " " + string.Join(" ", arguments) : "");
        var programProblem = SafeText.PathProblem(Program) ?? (File.Exists(Program) ? null : "does not exist");
        if (programProblem is not null)
        {
            Log.LogError(null, "PG9003", null, ProjectFile, 0, 0, 0, 0,
                "PipelineGen: training could not start: the built program '{0}' {1}. Build the project first, or build without -p:PipelineGenTrain=true.",
                SafeText.Escape(Program, 200), programProblem);
            return false;
        }
        var folderProblem = SafeText.PathProblem(WorkingDirectory) ?? (Directory.Exists(WorkingDirectory) ? null : "does not exist");
        if (folderProblem is not null)
        {
            Log.LogError(null, "PG9003", null, ProjectFile, 0, 0, 0, 0,
                "PipelineGen: training could not start: the working folder '{0}' {1}.", SafeText.Escape(WorkingDirectory, 200), folderProblem);
            return false;
        }

        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The child reads nothing; a closed stdin also tells it nobody is listening any more.
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
#if NETFRAMEWORK
        // .NET Framework has no ArgumentList: one string, quoted so the child splits it back into these arguments.
        start.Arguments = WindowsCommandLine.Join(new[] { Program }.Concat(arguments));
        var processId = Process.GetCurrentProcess().Id;
#else
        start.ArgumentList.Add(Program);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var processId = Environment.ProcessId;
#endif
        start.Environment[ParentPidVariable] = processId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Log.LogMessage(MessageImportance.Normal, "PipelineGen: training: {0}", display);
        using var process = new Process { StartInfo = start };
        int located = 0;
        // "{0}": the program's lines are text, never a format string (a '{' in its output must not throw).
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log.LogMessage(MessageImportance.Normal, "{0}", e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (LogLocatedError(e.Data)) located++;
            else Log.LogMessage(MessageImportance.High, "{0}", e.Data);
        };
        lock (_gate)
        {
            if (_cancelled) return false;
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                Log.LogError(null, "PG9003", null, ProjectFile, 0, 0, 0, 0,
                    "PipelineGen: training could not start '{0}': {1}. Check that the .NET host exists (DOTNET_HOST_PATH or dotnet on PATH).", SafeText.Escape(host, 200), e.Message);
                return false;
            }
            _process = process;
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        lock (_gate) _process = null;

        if (_cancelled)
        {
            Log.LogWarning(null, "PG9003", null, ProjectFile, 0, 0, 0, 0, "PipelineGen: training was cancelled with the build; the model was not replaced.");
            return false;
        }
        ExitCode = process.ExitCode;
        // A failed quality gate (PG0410) or a model worse than the current one (PG0411) was already logged where it belongs.
        if (ExitCode != 0 && located > 0) return false;
        if (ExitCode != 0)
        {
            Log.LogError(null, "PG9003", null, ProjectFile, 0, 0, 0, 0,
                "PipelineGen: {2} failed ('{0}' exited with code {1}); see its output above. Exit code 2 means bad input (data or spec); fix it and build again, or build without -p:PipelineGenTrain=true.",
                display, ExitCode, Step);
            return false;
        }
        return true;
    }

    // "path(line,col): error PG0410: message" or "path: error PG0411: message", as the runtime writes gate failures;
    // PG0523/PG0524 as 'export onnx --if-requested' writes a failed export at the spec's deploy.onnx line.
    private static readonly System.Text.RegularExpressions.Regex Canonical = new(
        @"^(?<file>[^\r\n]+?)(?:\((?<line>\d+),(?<column>\d+)\))?: error (?<code>PG04\d\d|PG052\d): (?<message>.+)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Logs a gate failure the training program wrote in the compiler's canonical form as a build error located in the
    /// spec (file, line, column), so the IDE and the build summary point at the gate's line. Only PG04xx (gates and
    /// promotion) lines are taken; anything else stays a message.
    /// </summary>
    private bool LogLocatedError(string line)
    {
        System.Text.RegularExpressions.Match match;
        try { match = Canonical.Match(line); }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException) { return false; }
        if (!match.Success) return false;
        int Number(string group) => match.Groups[group].Success && int.TryParse(match.Groups[group].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        Log.LogError(null, match.Groups["code"].Value, null, match.Groups["file"].Value, Number("line"), Number("column"), 0, 0, "{0}", match.Groups["message"].Value);
        return true;
    }

    private static void KillTree(Process process)
    {
#if NETFRAMEWORK
        // No Kill(entireProcessTree) on .NET Framework (Windows only): taskkill /T ends the tree; Kill() if that fails.
        try
        {
            using var taskkill = Process.Start(new ProcessStartInfo("taskkill.exe",
                "/PID " + process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + " /T /F")
            { UseShellExecute = false, CreateNoWindow = true });
            if (taskkill is not null && taskkill.WaitForExit(10_000) && taskkill.ExitCode == 0) return;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        process.Kill();
#else
        process.Kill(entireProcessTree: true);
#endif
    }

    /// <summary>MSBuild calls this on another thread when the build is cancelled: end the child and everything it started.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            _cancelled = true;
            try
            {
                if (_process is { HasExited: false } running) KillTree(running);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // It ended on its own in the meantime.
            }
        }
    }
}
